import Foundation
import SluiceControlProtocol
import SluiceBase

/// The fields of a response line that do not depend on the command (for clients).
struct ResponseHead: Decodable {
    var id: Int?
    var ok: Bool?
    var error: ControlError?
    var type: String?
}

/// A response's result, decoded for the command that was sent.
struct ResponseBody: Decodable {
    var result: ControlResult?

    static let commandKey = CodingUserInfoKey(rawValue: "sluice.command")!

    enum Keys: String, CodingKey { case result }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        guard let command = decoder.userInfo[Self.commandKey] as? ControlOperation else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "no command to decode the result for"))
        }
        guard c.contains(.result) else { result = nil; return }
        result = try ControlResult(decoding: command, from: c.superDecoder(forKey: .result))
    }
}
