/// The AWS partitions this tool knows: each has its own DNS suffix and its own global IAM endpoint.
public enum AWSPartition: String, Sendable, CaseIterable {
    case aws
    case awsCN = "aws-cn"
    case awsUSGov = "aws-us-gov"

    /// The partition a region belongs to (`cn-north-1` -> aws-cn, `us-gov-west-1` -> aws-us-gov).
    public init(region: String) {
        if region.hasPrefix("cn-") { self = .awsCN } else if region.hasPrefix("us-gov-") { self = .awsUSGov } else { self = .aws }
    }

    public var dnsSuffix: String { self == .awsCN ? "amazonaws.com.cn" : "amazonaws.com" }

    /// IAM is global per partition: one host, one signing region.
    public var iamHost: String {
        switch self {
        case .aws: "iam.amazonaws.com"
        case .awsCN: "iam.cn-north-1.amazonaws.com.cn"
        case .awsUSGov: "iam.us-gov.amazonaws.com"
        }
    }

    public var iamSigningRegion: String {
        switch self {
        case .aws: "us-east-1"
        case .awsCN: "cn-north-1"
        case .awsUSGov: "us-gov-west-1"
        }
    }

    /// The audience STS expects in web-identity tokens of this partition.
    public var stsAudience: String { self == .awsCN ? "sts.amazonaws.com.cn" : "sts.amazonaws.com" }
}
