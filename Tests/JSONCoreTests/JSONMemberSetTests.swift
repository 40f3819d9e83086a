import JSONCore
import Testing

struct JSONMemberSetTests {
    @Test(arguments: [0, 5, 63])
    func aMemberRecordedTwiceIsADuplicate(number: Int) {
        var members = JSONMemberSet()
        #expect(members.insert(number))
        #expect(!members.insert(number))
    }

    @Test func membersAreRecordedApart() {
        var members = JSONMemberSet()
        #expect(members.insert(0) && members.insert(1) && members.insert(63))
    }
}
