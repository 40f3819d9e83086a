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

    private static let annotated = ServiceAccountRecord(annotations: ["role-arn": "arn:aws:iam::111122223333:role/app"])
    private static let key = ServiceAccountKey(namespace: "a-namespace-longer-than-fifteen-bytes", name: "app")

    /// An account without annotations is present (an empty record), not unknown: the webhook's decision and its
    /// cache-miss GET depend on the difference.
    @Test func anAccountWithoutAnnotationsIsPresentWithAnEmptyRecord() {
        let store = ServiceAccountStore()
        store.upsert(Self.key, ServiceAccountRecord())
        #expect(store.lookup(Self.key) == ServiceAccountRecord())
        #expect(store.count == 1)
        #expect(store.snapshot() == [Self.key: ServiceAccountRecord()])
    }

    /// An update that adds or drops the annotations replaces the account's record; it is never counted twice.
    @Test(arguments: [(ServiceAccountRecord(), annotated), (annotated, ServiceAccountRecord())])
    func anUpdateReplacesTheRecord(first: ServiceAccountRecord, then: ServiceAccountRecord) {
        let store = ServiceAccountStore()
        store.upsert(Self.key, first)
        store.upsert(Self.key, then)
        #expect(store.lookup(Self.key) == then)
        #expect(store.count == 1)
        store.remove(Self.key)
        #expect(store.lookup(Self.key) == nil)
        #expect(store.count == 0)
    }

    /// A relist replaces everything; of two entries with the same key the later wins, annotated or not.
    @Test(arguments: [(ServiceAccountRecord(), annotated), (annotated, ServiceAccountRecord())])
    func aRelistReplacesEverythingAndTheLaterDuplicateWins(first: ServiceAccountRecord, then: ServiceAccountRecord) {
        let store = ServiceAccountStore()
        let gone = ServiceAccountKey(namespace: "old", name: "gone")
        store.upsert(gone, Self.annotated)
        let others = (0..<100).map { (key: ServiceAccountKey(namespace: Self.key.namespace, name: "sa-\($0)"), value: ServiceAccountRecord()) }
        store.replaceAll([(key: Self.key, value: first)] + others + [(key: Self.key, value: then)])
        #expect(store.lookup(Self.key) == then)
        #expect(store.lookup(gone) == nil)
        #expect(store.lookup(others[42].key) == ServiceAccountRecord())
        #expect(store.count == 101)
        #expect(store.snapshot().count == 101)
    }
}
