import Testing
@testable import IRSAToolkit

@Suite struct PublicKeyFileTests {
    @Test func pkixRSAPublicKeyGivesOpenSSLsModulusExponentAndKeyID() throws {
        let keys = try PublicKeyFile.load(TemporaryFile.write(Fixtures.rsaPublicKey))
        #expect(keys.count == 1)
        #expect(keys[0].keyID == Fixtures.rsaKeyID)
        #expect(keys[0].algorithm == "RS256")
        guard case .rsa(let modulus, let exponent) = keys[0].parameters else { Issue.record("not RSA"); return }
        #expect(Base64URL.encode(modulus) == Fixtures.rsaModulus)
        #expect(exponent == [0x01, 0x00, 0x01])
    }

    @Test(arguments: [Fixtures.rsaPKCS1PublicKey, Fixtures.rsaPrivateKey])
    func pkcs1AndPrivateKeysGiveTheSameKeyAsThePKIXPublicKey(pem: String) throws {
        let reference = try PublicKeyFile.load(TemporaryFile.write(Fixtures.rsaPublicKey))
        #expect(try PublicKeyFile.load(TemporaryFile.write(pem)) == reference)
    }

    @Test func ecP256KeyHasPaddedCoordinatesAndKubeAPIServersKeyID() throws {
        for pem in [Fixtures.ecPublicKey, Fixtures.ecPrivateKey] {
            let keys = try PublicKeyFile.load(TemporaryFile.write(pem))
            #expect(keys.count == 1)  // the private key file's EC PARAMETERS block is skipped
            #expect(keys[0].keyID == Fixtures.ecKeyID)
            #expect(keys[0].algorithm == "ES256")
            guard case .ecP256(let x, let y) = keys[0].parameters else { Issue.record("not EC"); continue }
            #expect(x.count == 32 && y.count == 32)
            #expect(Base64URL.encode(x) == Fixtures.ecX)
            #expect(Base64URL.encode(y) == Fixtures.ecY)
        }
    }

    @Test func severalKeysInOneFileAreAllRead() throws {
        let keys = try PublicKeyFile.load(TemporaryFile.write(Fixtures.rsaPublicKey + "\n" + Fixtures.ecPublicKey))
        #expect(keys.map(\.keyID) == [Fixtures.rsaKeyID, Fixtures.ecKeyID])
    }

    @Test func otherCurvesAreRejectedByName() throws {
        let path = TemporaryFile.write(Fixtures.ecP384PublicKey)
        #expect(throws: ToolkitError.unsupportedCurve(path: path, curve: "secp384r1")) { try PublicKeyFile.load(path) }
    }

    @Test func otherKeyTypesAreRejectedByName() throws {
        let path = TemporaryFile.write(Fixtures.ed25519PublicKey)
        #expect(throws: ToolkitError.unsupportedKeyType(path: path, type: "ED25519")) { try PublicKeyFile.load(path) }
    }

    @Test func encryptedPrivateKeysAskForThePublicKey() throws {
        let path = TemporaryFile.write(Fixtures.encryptedPrivateKey)
        #expect(throws: ToolkitError.encryptedKey(path: path)) { try PublicKeyFile.load(path) }
    }

    @Test func nonPEMAndWrongBlocksAreRejectedNamingTheFile() throws {
        let text = TemporaryFile.write("just some text\n")
        #expect(throws: ToolkitError.notPEM(path: text, expected: PublicKeyFile.expectedContent)) { try PublicKeyFile.load(text) }
        let empty = TemporaryFile.write("")
        #expect(throws: ToolkitError.notPEM(path: empty, expected: PublicKeyFile.expectedContent)) { try PublicKeyFile.load(empty) }
        let certificate = TemporaryFile.write(Fixtures.rootCertificate)
        #expect(throws: ToolkitError.unsupportedPEMBlock(path: certificate, label: "CERTIFICATE", expected: PublicKeyFile.expectedContent)) {
            try PublicKeyFile.load(certificate)
        }
    }

    @Test func corruptKeyBodiesAreMalformedKeys() throws {
        let path = TemporaryFile.write("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
        #expect {
            try PublicKeyFile.load(path)
        } throws: { error in
            guard case .malformedKey(path, "PUBLIC KEY", _) = error as? ToolkitError else { return false }
            return true
        }
    }

    @Test func missingFilesNameTheFileAndTheReason() throws {
        #expect(throws: ToolkitError.unreadableFile(path: "/nonexistent/key.pub", reason: "No such file or directory")) {
            try PublicKeyFile.load("/nonexistent/key.pub")
        }
    }
}
