/// Where the token file is, as the container sees it (upstream's `filepath.Join` + Windows rewrite).
enum TokenFilePath {
    static func make(mountPath: String, tokenPath: String, windows: Bool) -> String {
        let path = join(mountPath, tokenPath)
        return windows ? "C:" + path.replacing("/", with: "\\") : path
    }

    /// Go's `filepath.Join` on Unix: empty elements ignored, the result cleaned.
    static func join(_ elements: String...) -> String {
        let kept = elements.filter { !$0.isEmpty }
        return kept.isEmpty ? "" : clean(kept.joined(separator: "/"))
    }

    /// Go's `path.Clean`: one slash between names, no `.`, `..` resolved lexically.
    static func clean(_ path: String) -> String {
        if path.isEmpty { return "." }
        let rooted = path.hasPrefix("/")
        var names: [Substring] = []
        for name in path.split(separator: "/") {
            switch name {
            case ".": continue
            case "..":
                if let last = names.last, last != ".." {
                    names.removeLast()
                } else if !rooted {
                    names.append(name)
                }
            default: names.append(name)
            }
        }
        let body = names.joined(separator: "/")
        if rooted { return "/" + body }
        return body.isEmpty ? "." : body
    }
}

/// The four token file paths a mutator can inject (mode x Windows), computed once per settings
/// rather than per request.
struct TokenFilePaths: Sendable {
    private let webIdentity: (unix: String, windows: String)
    private let containerCredentials: (unix: String, windows: String)

    init(settings: MutationSettings) {
        func both(_ mountPath: String, _ tokenPath: String) -> (String, String) {
            (TokenFilePath.make(mountPath: mountPath, tokenPath: tokenPath, windows: false),
             TokenFilePath.make(mountPath: mountPath, tokenPath: tokenPath, windows: true))
        }
        webIdentity = both(settings.tokenMountPath, MutationSettings.webIdentityTokenPath)
        containerCredentials = both(settings.containerCredentials.tokenMountPath, settings.containerCredentials.tokenPath)
    }

    func path(for mode: MutationDecision.Mode, windows: Bool) -> String {
        let paths = mode == .containerCredentials ? containerCredentials : webIdentity
        return windows ? paths.windows : paths.unix
    }
}
