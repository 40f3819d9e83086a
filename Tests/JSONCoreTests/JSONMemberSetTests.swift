import JSONCore
import Testing

struct JSONMemberSetTests {
    @Test(arguments: [0, 5, 63])
    func aMemberRecordedTwiceIsADuplicate(number: Int) {
        var members = JSONMemberSet()
        let first = members.insert(number), second = members.insert(number)
        #expect(first && !second)
    }

    @Test func membersAreRecordedApart() {
        var members = JSONMemberSet()
        let inserted = [members.insert(0), members.insert(1), members.insert(63)]
        #expect(inserted == [true, true, true])
    }
}
