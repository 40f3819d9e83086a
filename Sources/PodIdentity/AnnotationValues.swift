/// The annotations a mutation reads, found in one pass over each set instead of a hashed lookup per key: a
/// ServiceAccount record holds one to three, a pod a handful, and hashing a key costs more than comparing it.
struct ServiceAccountAnnotations {
    /// Upstream's four (keys without the prefix, as the record keeps them).
    var roleARN, audience, stsRegionalEndpoints, tokenExpiration: String?
    /// The record's annotations when it holds any besides upstream's four (the additions read those), else empty.
    var additions: [String: String] = [:]

    init(_ record: ServiceAccountRecord?) {
        guard let annotations = record?.annotations else { return }
        var upstreamOnly = true
        for (key, value) in annotations {
            switch key {
            case "role-arn": roleARN = value
            case "audience": audience = value
            case "sts-regional-endpoints": stsRegionalEndpoints = value
            case "token-expiration": tokenExpiration = value
            default: upstreamOnly = false
            }
        }
        if !upstreamOnly { additions = annotations }
    }
}

/// The pod's own annotations under the prefix that the mutation reads.
struct PodAnnotationValues {
    var tokenExpiration, skipContainers, includeContainers, region: String?

    init(_ annotations: [String: String], mutator: PodMutator) {
        guard !annotations.isEmpty else { return }
        // A key's length (stored, not counted) settles most comparisons.
        func matches(_ key: String, _ name: String) -> Bool { key.utf8.count == name.utf8.count && key == name }
        for (key, value) in annotations where key.utf8.count > mutator.settings.annotationPrefix.utf8.count {
            if matches(key, mutator.tokenExpirationAnnotation) { tokenExpiration = value }
            else if matches(key, mutator.skipContainersAnnotation) { skipContainers = value }
            else if matches(key, mutator.includeContainersAnnotation) { includeContainers = value }
            else if matches(key, mutator.regionAnnotation) { region = value }
        }
    }
}
