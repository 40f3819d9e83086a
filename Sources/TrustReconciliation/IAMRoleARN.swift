/// An IAM role ARN, `arn:<partition>:iam::<account>:role/<path/>name`, split into what the controller checks.
public struct IAMRoleARN: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    public let partition: String
    public let accountID: String
    /// What IAM's GetRole and UpdateAssumeRolePolicy take: the text after the last `/` (the path is not part of it).
    public let roleName: String

    public init(parsing text: String) throws(TrustRequestError) {
        let fields = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0] == "arn", !fields[1].isEmpty, fields[2] == "iam", fields[3].isEmpty else {
            throw .invalidRoleARN(text, problem: "not an IAM ARN (arn:<partition>:iam::<account>:role/<name>)")
        }
        guard fields[4].utf8.count == 12, fields[4].utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            throw .invalidRoleARN(text, problem: "the account is not 12 digits")
        }
        guard fields[5].hasPrefix("role/"), let name = fields[5].split(separator: "/").last, fields[5].count > 5,
              !fields[5].hasSuffix("/") else {
            throw .invalidRoleARN(text, problem: "the resource is not role/<name>")
        }
        self.text = text
        self.partition = String(fields[1])
        self.accountID = String(fields[4])
        self.roleName = String(name)
    }

    public var description: String { text }

    /// The role as IAM knows it: names are unique in an account whatever the path, so `role/kf-a` and
    /// `role/team/kf-a` are one role (GetRole and UpdateAssumeRolePolicy take the name alone) and are reconciled once.
    public var iamIdentity: String { "\(partition):\(accountID):\(roleName)" }
}

/// Who the controller's credentials belong to (`sts:GetCallerIdentity`), reduced to what a role ARN is checked against.
public struct CallerAccount: Sendable, Equatable {
    public let partition: String
    public let accountID: String

    public init(partition: String, accountID: String) {
        self.partition = partition
        self.accountID = accountID
    }

    /// From GetCallerIdentity's `Arn` (`arn:aws:sts::111122223333:assumed-role/...`) and `Account`.
    public init(callerARN: String, account: String) throws(TrustRequestError) {
        let fields = callerARN.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0] == "arn", !fields[1].isEmpty, fields[4] == account[...] else {
            throw .invalidCallerIdentity(arn: callerARN, account: account)
        }
        self.init(partition: String(fields[1]), accountID: account)
    }
}
