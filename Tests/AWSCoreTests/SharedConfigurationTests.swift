import Testing
@testable import AWSCore

@Suite struct SharedConfigurationTests {
    func shared(config: String = "", credentials: String = "") throws -> SharedConfiguration {
        SharedConfiguration(configFile: try INIDocument(parsing: config, path: "config"),
                            credentialsFile: try INIDocument(parsing: credentials, path: "credentials"),
                            paths: ["config", "credentials"])
    }

    @Test func iniSyntax() throws {
        let document = try INIDocument(parsing: """
            # comment
            [profile dev]
            Region = eu-west-1
            s3 =
              max_concurrent_requests = 10
            ; another
            [profile dev]
            output: json
            """, path: "config")
        #expect(document.section("profile dev") == ["region": "eu-west-1", "s3": "max_concurrent_requests = 10", "output": "json"])
        #expect(throws: AWSConfigurationError.malformedConfigFile(path: "c", line: 1, problem: "setting before the first [section]")) {
            try INIDocument(parsing: "a = b", path: "c")
        }
        #expect(throws: AWSConfigurationError.malformedConfigFile(path: "c", line: 2, problem: "expected 'key = value' or '[section]'")) {
            try INIDocument(parsing: "[x]\njunk", path: "c")
        }
    }

    @Test func environmentKeysComeFirst() throws {
        let source = try CredentialSource.resolve(
            environment: ["AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "S", "AWS_SESSION_TOKEN": "T",
                          "AWS_ROLE_ARN": "arn:aws:iam::1:role/r", "AWS_WEB_IDENTITY_TOKEN_FILE": "/t"],
            shared: try shared(credentials: "[default]\naws_access_key_id = P\naws_secret_access_key = Q"))
        #expect(source == .environment(AWSCredentials(accessKeyID: "AKID", secretAccessKey: "S", sessionToken: "T")))
    }

    @Test func webIdentityBeforeSharedFiles() throws {
        let source = try CredentialSource.resolve(
            environment: ["AWS_ROLE_ARN": "arn:aws:iam::1:role/r", "AWS_WEB_IDENTITY_TOKEN_FILE": "/t", "AWS_ROLE_SESSION_NAME": "s"],
            shared: try shared(credentials: "[default]\naws_access_key_id = P\naws_secret_access_key = Q"))
        #expect(source == .webIdentity(roleARN: "arn:aws:iam::1:role/r", tokenFile: "/t", sessionName: "s", origin: "AWS_ROLE_ARN"))
    }

    @Test func profileWithSourceProfileAssumesTheRole() throws {
        let source = try CredentialSource.resolve(
            environment: ["AWS_PROFILE": "admin"],
            shared: try shared(config: "[profile admin]\nrole_arn = arn:aws:iam::1:role/admin\nsource_profile = base\n",
                               credentials: "[base]\naws_access_key_id = P\naws_secret_access_key = Q\n"))
        #expect(source == .assumeRole(roleARN: "arn:aws:iam::1:role/admin", sessionName: nil, externalID: nil, profile: "admin",
                                      source: .profile(name: "base", credentials: AWSCredentials(accessKeyID: "P", secretAccessKey: "Q"))))
    }

    @Test func profileWithWebIdentityTokenFile() throws {
        let source = try CredentialSource.resolve(environment: [:], shared: try shared(
            config: "[default]\nrole_arn = arn:aws:iam::1:role/r\nweb_identity_token_file = /var/token\n"))
        #expect(source == .webIdentity(roleARN: "arn:aws:iam::1:role/r", tokenFile: "/var/token", sessionName: nil, origin: "profile default"))
    }

    @Test func containerThenInstanceMetadata() throws {
        #expect(try CredentialSource.resolve(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials",
                                                           "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/tok"], shared: .empty)
            == .container(url: "http://169.254.170.23/v1/credentials", authorization: .tokenFile("/tok")))
        #expect(try CredentialSource.resolve(environment: ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/creds"], shared: .empty)
            == .container(url: "http://169.254.170.2/v2/creds", authorization: .none))
        #expect(try CredentialSource.resolve(environment: [:], shared: .empty) == .instanceMetadata(endpoint: "http://169.254.169.254"))
    }

    @Test func mistakesAreNamed() throws {
        #expect(throws: AWSConfigurationError.invalidCredentialsSetting(source: "AWS_ACCESS_KEY_ID", problem: "is set but AWS_SECRET_ACCESS_KEY is not")) {
            try CredentialSource.resolve(environment: ["AWS_ACCESS_KEY_ID": "A"], shared: .empty)
        }
        #expect(throws: AWSConfigurationError.missingProfile(name: "nope", files: ["config", "credentials"])) {
            try CredentialSource.resolve(environment: ["AWS_PROFILE": "nope"], shared: try shared())
        }
        #expect(throws: AWSConfigurationError.profileCycle(["a", "b", "a"])) {
            try CredentialSource.resolve(environment: ["AWS_PROFILE": "a"], shared: try shared(
                config: "[profile a]\nrole_arn = r\nsource_profile = b\n[profile b]\nrole_arn = r\nsource_profile = a\n"))
        }
        #expect(throws: AWSConfigurationError.invalidCredentialsSetting(
            source: "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            problem: "plain http is allowed only to loopback or the ECS/EKS agent addresses, not evil.example.com")) {
            try CredentialSource.resolve(environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://evil.example.com/"], shared: .empty)
        }
    }
}
