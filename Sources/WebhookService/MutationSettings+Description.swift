import JSONCore
import PodIdentity

extension MutationSettings {
    /// The mutation settings as `--dry-run` prints them.
    public var jsonDescription: JSONValue {
        [
            "annotationPrefix": .string(annotationPrefix),
            "tokenAudience": .string(tokenAudience),
            "tokenMountPath": .string(tokenMountPath),
            "tokenExpiration": .number(JSONNumber(effectiveTokenExpiration)),
            "awsDefaultRegion": .string(awsDefaultRegion),
            "stsRegionalEndpoint": .bool(stsRegionalEndpoint),
            "composeRoleARN": roleARNComposition.map {
                ["partition": .string($0.partition), "accountID": .string($0.accountID)]
            } ?? .null,
            "injectRoleSessionName": .bool(injectRoleSessionName),
            "endpointURL": .string(endpointURL),
            "allowNonAWSAccountID": .bool(allowNonAWSAccountID),
            "containerCredentials": [
                "audience": .string(containerCredentials.audience),
                "tokenMountPath": .string(containerCredentials.tokenMountPath),
                "tokenVolumeName": .string(containerCredentials.tokenVolumeName),
                "tokenPath": .string(containerCredentials.tokenPath),
                "fullURI": .string(containerCredentials.fullURI),
            ],
        ]
    }
}
