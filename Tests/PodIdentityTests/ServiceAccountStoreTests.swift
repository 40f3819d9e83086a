import PodIdentity
import Testing

@Suite("ServiceAccount store")
struct ServiceAccountStoreTests {
    /// Stored keys and annotation values get strings of their own; the text must be exactly the same,
    /// short or long, ASCII or not.
    @Test(arguments: ["sa", "aws-load-balancer-controller", "équipe-données-entrepôt-ß-日本語"])
    func detachedKeysAndRecordsKeepTheirText(_ name: String) {
        let key = ServiceAccountKey(namespace: name + "-ns", name: name)
        #expect(key.detached == key)
        #expect(key.detached.hashValue == key.hashValue)
        let record = ServiceAccountRecord(allAnnotations: ["eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/" + name,
                                                           "other.example.com/role-arn": "ignored"],
                                          prefix: "eks.amazonaws.com")
        #expect(record.annotations == ["role-arn": "arn:aws:iam::111122223333:role/" + name])

        let store = ServiceAccountStore()
        store.replaceAll([key.detached: record])
        #expect(store.lookup(key) == record)
        #expect(store.lookup(ServiceAccountKey(namespace: key.namespace, name: name + "x")) == nil)
    }
}
