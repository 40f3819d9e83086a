import JSONCore

/// The patch's pieces that depend only on the settings, written as JSON once per mutator instead of escaped
/// and formatted again for every pod: the mount, the token file variable, the flags' region and endpoint.
/// Classes: a pod's patch reads a few of them through one reference instead of copying (retaining) them all.
final class PatchFragments: Sendable {
    /// What differs between the two modes.
    final class Mode: Sendable {
        /// `{"name":<volume>,"projected":{"sources":[{"serviceAccountToken":{`
        let volumeStart: JSONFragment
        /// The audience the settings give this mode, and `"audience":<it>,` (empty: no member).
        let defaultAudience: String
        let defaultAudienceMember: JSONFragment
        /// `,"path":<token path>}}`, after the expiration.
        let tokenPathEnd: JSONFragment
        /// `{"name":<volume>,"readOnly":true,"mountPath":<mount path>}`
        let mountItem: JSONFragment
        /// The second credential variable, the token file (`AWS_WEB_IDENTITY_TOKEN_FILE` or
        /// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`), for Unix and Windows pods.
        let tokenFileItem: (unix: JSONFragment, windows: JSONFragment)

        init(volumeName: String, audience: String, tokenPath: String, mountPath: String, tokenFileVariable: String,
             tokenFiles: (unix: String, windows: String)) {
            volumeStart = JSONFragment { out in
                out.raw(#"{"name":"#)
                out.string(volumeName)
                out.raw(#","projected":{"sources":[{"serviceAccountToken":{"#)
            }
            defaultAudience = audience
            defaultAudienceMember = JSONFragment { out in Self.writeAudience(audience, into: &out) }
            tokenPathEnd = JSONFragment { out in
                out.raw(#","path":"#)
                out.string(tokenPath)
                out.raw("}}")
            }
            mountItem = JSONFragment { out in
                out.raw(#"{"name":"#)
                out.string(volumeName)
                out.raw(#","readOnly":true,"mountPath":"#)
                out.string(mountPath)
                out.raw("}")
            }
            tokenFileItem = (PatchFragments.envItem(tokenFileVariable, tokenFiles.unix),
                             PatchFragments.envItem(tokenFileVariable, tokenFiles.windows))
        }

        static func writeAudience(_ audience: String, into out: inout JSONByteWriter) {
            if audience.isEmpty { return }
            out.raw(#""audience":"#)
            out.string(audience)
            out.raw(",")
        }
    }

    let webIdentity: Mode
    let containerCredentials: Mode
    /// `AWS_CONTAINER_CREDENTIALS_FULL_URI`, the first variable of container-credentials mode.
    let credentialsURIItem: JSONFragment
    /// `AWS_PROFILE` of a role chain.
    let chainProfileItem: JSONFragment
    /// `--aws-default-region` as `AWS_DEFAULT_REGION` and `AWS_REGION` (nil: the flag is empty).
    let flagRegionItems: (defaultRegion: JSONFragment, region: JSONFragment)?
    /// `--endpoint-url` as `AWS_ENDPOINT_URL` (nil: the flag is empty).
    let flagEndpointItem: JSONFragment?

    init(settings: MutationSettings, tokenFiles: TokenFilePaths) {
        let credentials = settings.containerCredentials
        webIdentity = Mode(volumeName: MutationSettings.webIdentityVolumeName, audience: settings.tokenAudience,
                           tokenPath: MutationSettings.webIdentityTokenPath, mountPath: settings.tokenMountPath,
                           tokenFileVariable: "AWS_WEB_IDENTITY_TOKEN_FILE",
                           tokenFiles: (tokenFiles.path(for: .webIdentity, windows: false), tokenFiles.path(for: .webIdentity, windows: true)))
        containerCredentials = Mode(volumeName: credentials.tokenVolumeName, audience: credentials.audience,
                                    tokenPath: credentials.tokenPath, mountPath: credentials.tokenMountPath,
                                    tokenFileVariable: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                                    tokenFiles: (tokenFiles.path(for: .containerCredentials, windows: false),
                                                 tokenFiles.path(for: .containerCredentials, windows: true)))
        credentialsURIItem = Self.envItem("AWS_CONTAINER_CREDENTIALS_FULL_URI", credentials.fullURI)
        chainProfileItem = Self.envItem("AWS_PROFILE", RoleChain.targetProfile)
        let region = settings.awsDefaultRegion
        flagRegionItems = region.isEmpty ? nil : (Self.envItem("AWS_DEFAULT_REGION", region), Self.envItem("AWS_REGION", region))
        flagEndpointItem = settings.endpointURL.isEmpty ? nil : Self.envItem("AWS_ENDPOINT_URL", settings.endpointURL)
    }

    /// `{"name":<name>,"value":<value>}`
    static func envItem(_ name: String, _ value: String) -> JSONFragment {
        JSONFragment { out in writeEnvItem(name, value, into: &out) }
    }

    static func writeEnvItem(_ name: String, _ value: String, into out: inout JSONByteWriter) {
        out.raw(#"{"name":"#)
        out.string(name)
        out.raw(#","value":"#)
        out.string(value)
        out.raw("}")
    }
}
