/// Test credentials made once with the openssl CLI (see each comment); never used outside tests.
enum TestCredentials {
    /// A self-signed certificate for mx.sluice.test, valid for a century (tests only).
    static let certificate = """
    -----BEGIN CERTIFICATE-----
    MIIBpDCCAUqgAwIBAgIUJkEIaMzZfa9ZJMc+FdcgFAnp47YwCgYIKoZIzj0EAwIw
    GTEXMBUGA1UEAwwObXguc2x1aWNlLnRlc3QwIBcNMjYxMjA2MjI0NzM4WhgPMjEy
    NjExMTIyMjQ3MzhaMBkxFzAVBgNVBAMMDm14LnNsdWljZS50ZXN0MFkwEwYHKoZI
    zj0CAQYIKoZIzj0DAQcDQgAEHYq3AKJQ+XJeZRzl76B6fQqOK2xUZ+YJD1qPmvjY
    Hrx/+cWu2E2Bk6hu6PA0iV8ANz8+uSmGLeCQmYnf5HdkcKNuMGwwHQYDVR0OBBYE
    FMaqQmmQL5rkzmn0mMEnSEiogyh3MB8GA1UdIwQYMBaAFMaqQmmQL5rkzmn0mMEn
    SEiogyh3MA8GA1UdEwEB/wQFMAMBAf8wGQYDVR0RBBIwEIIObXguc2x1aWNlLnRl
    c3QwCgYIKoZIzj0EAwIDSAAwRQIhAJ7uw31A40PMkZEYvuBdNFi4TOkvryffxT2b
    dIbun5ZPAiAtfPBc3RckeqXtN45V5jG7A6MM93ZTlUaxHctLJu5a0w==
    -----END CERTIFICATE-----
    """

    /// Its private key (P-256).
    static let key = """
    -----BEGIN PRIVATE KEY-----
    MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgX57PvOjmPhCi/wFH
    aW2Ah9nVAQZXFKn1J/VJdD0aL6ehRANCAAQdircAolD5cl5lHOXvoHp9Co4rbFRn
    5gkPWo+a+NgevH/5xa7YTYGTqG7o8DSJXwA3Pz65KYYt4JCZid/kd2Rw
    -----END PRIVATE KEY-----
    """

    /// The same key in encrypted PKCS#8, passphrase `open-sesame`.
    static let encryptedKey = """
    -----BEGIN ENCRYPTED PRIVATE KEY-----
    MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAh7Zf8QAaZV+AICCAAw
    DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEELPi+vw+WpUjKsnVKi7JbMEEgZBx
    ZWoKzINNafmBjqmU72sIk6ZwH3KhSMz4cd8eyECsWL3btQNude3WKwfeNSi40Jsz
    dhFSbnAIjJgv9JZptcCsS2OSIE8GlB9AQcH0SEQe/0D7KKLj8SBJE9pNQLKqL++Q
    0CQR+ZXsQTPG8fygXcRC3dnMOSCzGlqT4Ztqrq5L8F7NJzxm8LBcbhRaX7VUjEs=
    -----END ENCRYPTED PRIVATE KEY-----
    """

    /// A key that belongs to no certificate here.
    static let otherKey = """
    -----BEGIN PRIVATE KEY-----
    MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg1jYbedeYlETGHetg
    RzL+leBZFXBLot9s+iy1zAaEo9qhRANCAARFr7I+XQJuFZLrmuHnIDuY1mSdeATs
    XPc7dXwBbS1HfTYfLrOkKaxSVQSAAKzTOJmt3TmDKPKQ9tOjYOQZHxhT
    -----END PRIVATE KEY-----
    """
}
