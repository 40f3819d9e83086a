/// Throw-away keys and certificates made with the openssl CLI for these tests, and the values the
/// openssl CLI computes from them (independently of the code under test):
///   kid:        openssl pkey -pubin -in K -outform DER | openssl dgst -sha256 -binary | base64url
///   n:          openssl rsa -pubin -in K -modulus -noout, as base64url
///   x, y:       the last 64 bytes of the DER SubjectPublicKeyInfo, split in two
///   thumbprint: openssl x509 -in C -noout -fingerprint -sha1, lowercased, colons removed
enum Fixtures {
    static let rsaPrivateKey = """
-----BEGIN RSA PRIVATE KEY-----
MIIEpAIBAAKCAQEA1b3sI7FQnUG9xutecQ0WIRaD2IoP6S2NiMpwZ6uzjfgQKXni
/zmaNXn27XVmJyF40kveD5aEiti5AEKfqQhSla8G19/f3F8Y9/yJKPb770qlI44I
8cPP+rc0E0Xbqvc9KRQZXae1zAg8wiIdAMA1eZ5K8mYi9F7K9LYNaGIOhHUTQmr4
HhgMVfzAtj1SVotD2ReDEIYwDcXew3ZRhKfaPkq7JtiEVvex9+IgE75f2SvARW+h
kcfAzV7GhxN7M9yBjCWTampPSkYfi4QbAeXGz46R52E9416Ce9CYV6PYxAAQWLf4
IUAoYIun2rkQYZWaQ2AXR3FNKNqEYM6UzA3ILQIDAQABAoIBAFF3y+9I0Oy3l5Gf
ucYGUmZ3MfbRnMHoWneGjbR+FfipUeO1MQfN2VDDtZIJus90axxgzXmMieVwOId4
XWmsoemqpkWW77kLyDURXOgvx5QMFAiKxS79TyMFPESSTmmKRhYHsqlnWJw1kY7/
OKXGHTvHUVK2CmGxVdNTJqYgJd9nG1azxoBA0dC4MLn5pWkI5IQ/bMN0jQEaeDaW
g1YhAryP0pVnk1TrbYtV+YMVhX1af0nMj9i06cPGy0oeiWGI8Xdkhx0lrc2psuqY
XKPwklzE7SPlkNaMPbe2EOs7gvqNQVFfAW0LdP+CUqpNu72ijgJ7Mw5PA2Diwk7h
00aT21MCgYEA/3TYu13IJ1mjdTdcUt9dfB/o+JJ7NU/hkSxs662forZjGWgFgOOU
ih8QqCnle6925Z8EkqF76HpbwXj0ANVpSxa6Zx25O8KdHIFkIZyLguoSEMBtxXpT
Fco9uB6g5KwqSAWR8k1Tp6acybv4q7/tTwz/SnuExwbsVl3B1tVENBsCgYEA1jJa
VdbJ5qk0FWCSD42+Ii9BFynFrM+y3I38LEsxts4YdCcuoGzy2/B/Of30SiQUiXBN
k8vUbQBD/SOgOovY3yto7Gdz0SRzVHXJYg3853+aoB/ohcx3/QMcvG6ls3s8sXWV
wMDJQMWAD2SljVRItzhQHC49xCl7Z+dY0xeTaVcCgYEAgM5U/dyisJy1G8RnS+4O
gCjC2ptZfp8hmIazAP7RsESQoV3e8IdP/Xj+eBxv9raZl9xffOPpy2Xu4BXxyn3R
EqiKIrZNEQHnIFlpuLzrZ35Iz6OHdfxg6mrIRg9Dhyn8Q8ZzOZ6d4LnU8q9SCp/C
s4pVKyQu5f/qqP2rYHy2YCMCgYEAwDXrLoBSKbTI0i4Yo/B0IET7SgfoJU00mgqn
si+/6uVCuGi4xKk/vfIwmR+06hs6eqLWWrxcYXwNhslDbYY1FP7lZs7m9VSaUb5o
+p7Gxg6R+QLpK7fyLI9wZ/96nncGXdDAk3nsnz0bz7Rng02Q+ymDaeZs8uyumuzV
nofXdn0CgYBnX0F4+IO0z6Ugn0IH0nVV9y1e3+NiIqrXPj0DTs7H9NGa8DZJrgsY
XgyzvtKH8Pvjjnkxno0S7a3L1w8P744mS53oM21+9agGIJWB2U6aFqAR4072mb27
aHQwDskwIDkxusghGp4YnQZJpGSIKWfNndtH13azhdZDDl1uuXinIw==
-----END RSA PRIVATE KEY-----
"""

    static let rsaPublicKey = """
-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA1b3sI7FQnUG9xutecQ0W
IRaD2IoP6S2NiMpwZ6uzjfgQKXni/zmaNXn27XVmJyF40kveD5aEiti5AEKfqQhS
la8G19/f3F8Y9/yJKPb770qlI44I8cPP+rc0E0Xbqvc9KRQZXae1zAg8wiIdAMA1
eZ5K8mYi9F7K9LYNaGIOhHUTQmr4HhgMVfzAtj1SVotD2ReDEIYwDcXew3ZRhKfa
Pkq7JtiEVvex9+IgE75f2SvARW+hkcfAzV7GhxN7M9yBjCWTampPSkYfi4QbAeXG
z46R52E9416Ce9CYV6PYxAAQWLf4IUAoYIun2rkQYZWaQ2AXR3FNKNqEYM6UzA3I
LQIDAQAB
-----END PUBLIC KEY-----
"""

    static let rsaPKCS1PublicKey = """
-----BEGIN RSA PUBLIC KEY-----
MIIBCgKCAQEA1b3sI7FQnUG9xutecQ0WIRaD2IoP6S2NiMpwZ6uzjfgQKXni/zma
NXn27XVmJyF40kveD5aEiti5AEKfqQhSla8G19/f3F8Y9/yJKPb770qlI44I8cPP
+rc0E0Xbqvc9KRQZXae1zAg8wiIdAMA1eZ5K8mYi9F7K9LYNaGIOhHUTQmr4HhgM
VfzAtj1SVotD2ReDEIYwDcXew3ZRhKfaPkq7JtiEVvex9+IgE75f2SvARW+hkcfA
zV7GhxN7M9yBjCWTampPSkYfi4QbAeXGz46R52E9416Ce9CYV6PYxAAQWLf4IUAo
YIun2rkQYZWaQ2AXR3FNKNqEYM6UzA3ILQIDAQAB
-----END RSA PUBLIC KEY-----
"""

    static let ecPrivateKey = """
-----BEGIN EC PARAMETERS-----
BggqhkjOPQMBBw==
-----END EC PARAMETERS-----
-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIGxPQwAWCBAy/Za5uJRN6M10E1O9Bw3toJ/wq+GuBvT6oAoGCCqGSM49
AwEHoUQDQgAEuXqrR2qEhCVi2jPsqwtGse8dc8R9o6UWBiNsJCv/U+GervPOemmW
Y652ZLzleZAlEgc2mNWcUzFza66A4N0bMA==
-----END EC PRIVATE KEY-----
"""

    static let ecPublicKey = """
-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEuXqrR2qEhCVi2jPsqwtGse8dc8R9
o6UWBiNsJCv/U+GervPOemmWY652ZLzleZAlEgc2mNWcUzFza66A4N0bMA==
-----END PUBLIC KEY-----
"""

    static let ecP384PublicKey = """
-----BEGIN PUBLIC KEY-----
MHYwEAYHKoZIzj0CAQYFK4EEACIDYgAEohBIzsO510fUg8Ewa9EOO36conAQ5wa5
ujYyAEeFJ7F17wiXtXC9w0lNlZpEx4U1hYttKucS2R5iWOze2Xn8gKBgJLvi4noX
ILvS3+DfYG1ViA/IUCbst6fNUk7tw4Xd
-----END PUBLIC KEY-----
"""

    static let ed25519PublicKey = """
-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAG5+3SD5yhS7JdkfvewyiqZmjTWCeHsIn8PYwC/CDu1k=
-----END PUBLIC KEY-----
"""

    static let encryptedPrivateKey = """
-----BEGIN ENCRYPTED PRIVATE KEY-----
MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAh+egp52lYvBAICCAAw
DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEBr0O86eVdDNlTx81RIdORkEgZA3
IAvCvVVPbYo+JTNncvWOcACfuvPEAy+KL7+CX0AYk63WsF10ThlhgNnG0gCmgEVT
Ktg8gza865F84HrcmK+ay6vJIL0gK0XNG92rpfOFTFQw8J+iUl7C1bBgeZOqoSQg
Tji7PBKAh/FnRl/UrF/x4VdDIYZ3YFBX2eGzRVDItkJKCwPZ2IkEbYPblnjcsV8=
-----END ENCRYPTED PRIVATE KEY-----
"""

    static let rootCertificate = """
-----BEGIN CERTIFICATE-----
MIIBjDCCATOgAwIBAgIUagohvaxa88ql4U9BIw3Qbxf7S/IwCgYIKoZIzj0EAwIw
HDEaMBgGA1UEAwwRdG9vbGtpdC10ZXN0LXJvb3QwHhcNMjYxMTI5MDkwMTM2WhcN
MzYxMTI2MDkwMTM2WjAcMRowGAYDVQQDDBF0b29sa2l0LXRlc3Qtcm9vdDBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABCXq/9Y3v0Vq3xGi7EbP8QCx5hWiNLo3j0Dv
QpiN8SZQq8madQ2yADk4UI8Dxbrn9EbLE/VqnXB8/tBpMfgTZEajUzBRMB0GA1Ud
DgQWBBS1HZIl24yrJb096aBD2OrkB9OERzAfBgNVHSMEGDAWgBS1HZIl24yrJb09
6aBD2OrkB9OERzAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCIEfT
1P3niBBI9ME8J4eihGGWGdPaPps+PRR40856qkH2AiAezXKej1ASxjLknA8F3lQv
XpZME942xM2xlb6pi48q/Q==
-----END CERTIFICATE-----
"""

    /// issuer.example's certificate, signed by the root.
    static let leafCertificate = """
-----BEGIN CERTIFICATE-----
MIIBLzCB1gIUCIKWOWhVWsiMzhy2C/M4KmLjcwgwCgYIKoZIzj0EAwIwHDEaMBgG
A1UEAwwRdG9vbGtpdC10ZXN0LXJvb3QwHhcNMjYxMTI5MDkwMTM2WhcNMzYxMTI2
MDkwMTM2WjAZMRcwFQYDVQQDDA5pc3N1ZXIuZXhhbXBsZTBZMBMGByqGSM49AgEG
CCqGSM49AwEHA0IABG3IUUuPVNRALc43QrZskfbF58EiaFUusdj5IYcXJkLSI1gW
sdimFamJgRJBLVm8Q+CpLD8JtNV3hrl2HV0HUuswCgYIKoZIzj0EAwIDSAAwRQIh
AOxSOu80ch4e3xDLZU5N+PNMrCCmdbSbQHIjCqE3YZjpAiACu/QCdLswnjFCywWH
OVgQ4nny1KlWY9aYde18y65ZRQ==
-----END CERTIFICATE-----
"""

    /// The chain the issuer host serves: its certificate, then the root.
    static let chain = leafCertificate + "\n" + rootCertificate

    static let rsaKeyID = "MS67yXeRX1OjtcoJ2YL7_t7L-T6WhdMKLjPLl8mLG_I"
    static let rsaModulus = "1b3sI7FQnUG9xutecQ0WIRaD2IoP6S2NiMpwZ6uzjfgQKXni_zmaNXn27XVmJyF40kveD5aEiti5AEKfqQhSla8G19_f3F8Y9_yJKPb770qlI44I8cPP-rc0E0Xbqvc9KRQZXae1zAg8wiIdAMA1eZ5K8mYi9F7K9LYNaGIOhHUTQmr4HhgMVfzAtj1SVotD2ReDEIYwDcXew3ZRhKfaPkq7JtiEVvex9-IgE75f2SvARW-hkcfAzV7GhxN7M9yBjCWTampPSkYfi4QbAeXGz46R52E9416Ce9CYV6PYxAAQWLf4IUAoYIun2rkQYZWaQ2AXR3FNKNqEYM6UzA3ILQ"
    static let ecKeyID = "Fzv6i4a8thmg8jr_O6A6PuVWD1MDIk2wqEUtn1eptas"
    static let ecX = "uXqrR2qEhCVi2jPsqwtGse8dc8R9o6UWBiNsJCv_U-E"
    static let ecY = "nq7zznpplmOudmS85XmQJRIHNpjVnFMxc2uugODdGzA"
    static let rootThumbprint = "c558aacc9c06354fe03cdbbe251d84962681a655"
    static let leafThumbprint = "e77012cf5ea807cf643a646022643b8b632092cf"
}
