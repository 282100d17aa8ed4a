import ArgoDemo
import XCTest

/// The demo server's `fields`: exclusions drop exactly the paths named (through arrays), and leave the rest as is.
final class FieldCleanerTests: XCTestCase {
    func testExclusionsDropOnlyTheNamedPaths() {
        let value: JSONValue = .object([
            ("metadata", .object([("name", .string("w")), ("managedFields", .array([.object([("a", .int(1))])]))])),
            ("status", .object([
                ("nodes", .object([("n", .object([("id", .string("n")), ("storedTemplates", .string("kept: not the status's"))]))])),
                ("storedTemplates", .object([("t", .string("x"))])),
                ("items", .array([.object([("drop", .int(1)), ("keep", .int(2))])])),
            ])),
        ])
        let cleaned = FieldCleaner("-status.storedTemplates,metadata.managedFields,status.items.drop").clean(value)
        let expected: JSONValue = .object([
            ("metadata", .object([("name", .string("w"))])),
            ("status", .object([
                ("nodes", .object([("n", .object([("id", .string("n")), ("storedTemplates", .string("kept: not the status's"))]))])),
                ("items", .array([.object([("keep", .int(2))])])),
            ])),
        ])
        XCTAssertEqual(cleaned, expected)
        XCTAssertEqual(FieldCleaner("metadata.name").clean(value), .object([("metadata", .object([("name", .string("w"))]))]))
    }
}
