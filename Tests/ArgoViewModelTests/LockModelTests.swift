@testable import ArgoAPI
@testable import ArgoDemo
import Foundation
import XCTest

@testable import ArgoViewModel

/// The lock model: keys, waiting messages, holders, queues and the sentence that says why something is pending.
/// Fixture expectations are read from the raw JSON by the test (or, where named, from reading the objects by hand).
final class LockModelTests: XCTestCase {
    static let dbAudit = "argo/ConfigMap/semaphore-config/db-audit"

    // MARK: Real fixtures

    static func syncFixtures() throws -> [(file: String, json: [String: Any], workflow: Workflow)] {
        let directory = TreeRulesTests.fixtureDirectory
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { ($0.hasPrefix("sync-") || $0 == "controller-operator_test__wfPendingWithSync.json") && $0.hasSuffix(".json") }
            .sorted()
        return try files.map { file in
            let data = try Data(contentsOf: directory.appendingPathComponent(file))
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any], file)
            return (file, json, try JSONDecoder().decode(Workflow.self, from: data))
        }
    }

    /// The lock key a message names, read with plain word splitting: the word after `Waiting for`.
    static func keyNamed(byMessage message: String) -> String? {
        let words = message.split(separator: " ").map(String.init)
        guard let at = words.firstIndex(of: "for"), at > 0, words[at - 1] == "Waiting", at + 2 < words.count,
            words[at + 2].hasPrefix("lock")
        else { return nil }
        return words[at + 1]
    }

    func testEverySyncFixtureYieldsTheLocksItsStatusAndMessagesImply() throws {
        let fixtures = try Self.syncFixtures()
        XCTAssertEqual(fixtures.count, 7, "six sync-* fixtures and wfPendingWithSync")
        for (file, json, workflow) in fixtures {
            let status = json["status"] as? [String: Any] ?? [:]
            let sync = status["synchronization"] as? [String: Any] ?? [:]
            var keys: Set<String> = []
            // Holder keys by lock; their last part names the holding workflow or node.
            var holderNames: [String: Set<String>] = [:]
            for (section, keyField) in [("semaphore", "semaphore"), ("mutex", "mutex")] {
                let part = sync[section] as? [String: Any] ?? [:]
                for list in ["holding", "waiting"] {
                    for entry in part[list] as? [[String: Any]] ?? [] {
                        let key = try XCTUnwrap(entry[keyField] as? String, file)
                        keys.insert(key)
                        let holders = (entry["holders"] as? [String]) ?? [entry["holder"] as? String].compactMap { $0 }
                        for holder in holders {
                            holderNames[key, default: []].insert(String(holder.split(separator: "/").last ?? ""))
                        }
                    }
                }
            }
            var waiterIDs: [String: Set<String>] = [:]
            var limits: [String: Int] = [:]
            for (id, value) in status["nodes"] as? [String: Any] ?? [:] {
                let node = value as? [String: Any] ?? [:]
                guard node["phase"] as? String == "Pending" else { continue }
                let message = node["message"] as? String ?? ""
                let byMessage = Self.keyNamed(byMessage: message)
                guard let key = (node["synchronizationStatus"] as? [String: Any])?["waiting"] as? String ?? byMessage else { continue }
                keys.insert(key)
                waiterIDs[key, default: []].insert(id)
                if let range = message.range(of: "Lock status: "), let limit = message[range.upperBound...]
                    .split(separator: "/").dropFirst().first.flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) })
                {
                    limits[key] = limit
                }
            }

            let book = LockBook(workflows: [workflow])
            XCTAssertEqual(Set(book.locks.map(\.key.raw)), keys, file)
            for lock in book.locks {
                let key = lock.key.raw
                let named = holderNames[key] ?? []
                XCTAssertEqual(lock.holders.count, named.count, "\(file) \(key): one holder per holding object")
                for name in named {
                    XCTAssertTrue(
                        lock.holders.contains { $0.nodeID == name || ($0.nodeID == nil && $0.workflow == name) },
                        "\(file) \(key): holder \(name)")
                }
                XCTAssertEqual(Set(lock.waiters.compactMap(\.nodeID)), waiterIDs[key] ?? [], "\(file) \(key)")
                XCTAssertTrue(lock.waiters.allSatisfy { $0.nodeID != nil && $0.workflow == WorkflowRef(workflow) }, file)
                XCTAssertEqual(lock.waiters.map(\.position), (0..<lock.waiters.count).map { $0 + 1 }, "\(file) \(key)")
                if let limit = limits[key] { XCTAssertEqual(lock.limit, limit, "\(file) \(key)") }
                XCTAssertEqual(lock.isMutex, key.lowercased().contains("/mutex/"), "\(file) \(key)")
                for waiter in lock.waiters {
                    let sentence = try XCTUnwrap(book.explanation(for: waiter.workflow, nodeID: waiter.nodeID))
                    XCTAssertTrue(sentence.contains(key), sentence)
                    XCTAssertTrue(sentence.hasSuffix("\(Format.ordinal(waiter.position)) of \(lock.waiters.count) in queue"), sentence)
                }
            }
        }
    }

    func testTemplateLevelMutexFixtureQueuesTheParentsStepsByItemIndex() throws {
        // Read by hand: step (0:1) runs and holds argo/Mutex/workflow, four siblings wait, all started at once.
        let workflow = try XCTUnwrap(Self.syncFixtures().first { $0.file.contains("wfV2MutexMigrationTemplateLevel") }?.workflow)
        let book = LockBook(workflows: [workflow])
        let lock = try XCTUnwrap(book.lock("argo/Mutex/workflow"))
        let prefix = "synchronization-tmpl-level-xvzpt-"
        XCTAssertEqual(lock.holders, [
            LockHolder(namespace: "argo", workflow: "synchronization-tmpl-level-xvzpt", nodeID: prefix + "928517240",
                raw: "argo/synchronization-tmpl-level-xvzpt/" + prefix + "928517240")
        ], "the bare holding key and the full waiting key are the same node")
        XCTAssertEqual(lock.limit, 1)
        XCTAssertEqual(lock.waiters.map(\.name), (1...4).map { "synchronization-acquire-lock(\($0):\($0 + 1))" })
        XCTAssertEqual(lock.waiters.map(\.nodeID), ["755731602", "4037094368", "3632956078", "1018728496"].map { prefix + $0 })
        XCTAssertEqual(
            book.explanation(for: WorkflowRef(workflow), nodeID: prefix + "3632956078"),
            "waiting for mutex argo/Mutex/workflow: held by synchronization-tmpl-level-xvzpt, 3rd of 4 in queue")
        XCTAssertNil(book.explanation(for: WorkflowRef(workflow)), "the workflow runs; only its steps wait")
        XCTAssertNil(book.explanation(for: WorkflowRef(workflow), nodeID: prefix + "928517240"), "the holder does not wait")
    }

    func testPendingWithSyncFixtureNamesTheOtherWorkflowAsHolder() throws {
        // Read by hand: the waiting entry's holder is another workflow's root node, not this workflow.
        let workflow = try XCTUnwrap(Self.syncFixtures().first { $0.file.contains("wfPendingWithSync") }?.workflow)
        let book = LockBook(workflows: [workflow])
        let lock = try XCTUnwrap(book.lock("argo/Mutex/welcome"))
        XCTAssertEqual(lock.holders.map { [$0.namespace, $0.workflow, $0.nodeID] }, [["argo", "hello-world-tmph8", "hello-world-tmph8"]])
        XCTAssertEqual(lock.waiters.map(\.nodeID), ["hello-world-mpdht"])
        XCTAssertEqual(
            book.explanation(for: WorkflowRef(namespace: "argo", name: "hello-world-mpdht"), nodeID: "hello-world-mpdht"),
            "waiting for mutex argo/Mutex/welcome: held by hello-world-tmph8, 1st of 1 in queue")
    }

    func testOldLowerCaseMutexFixtureWaitsByMessageWithUnknownHolder() throws {
        // Read by hand: two Pending steps say `Waiting for argo/mutex/welcome lock. Lock status: 0/1 `; no status lists a holder.
        let workflow = try XCTUnwrap(Self.syncFixtures().first { $0.file.contains("mutexWfWithTmplLevel") }?.workflow)
        let book = LockBook(workflows: [workflow])
        let lock = try XCTUnwrap(book.lock("argo/mutex/welcome"))
        XCTAssertEqual(lock.key.kind, .mutex)
        XCTAssertTrue(lock.holders.isEmpty)
        XCTAssertEqual(lock.waiters.map(\.name), ["synchronization-acquire-lock(1:2)", "synchronization-acquire-lock(2:3)"])
        XCTAssertEqual(
            book.explanation(for: WorkflowRef(workflow), nodeID: "synchronization-tmpl-level-mutex-vjcdk-2216915482"),
            "waiting for mutex argo/mutex/welcome: holder unknown, 2nd of 2 in queue")
    }

    func testWorkflowLevelHoldersInFixturesAreTheWorkflowsThemselves() throws {
        let fixtures = try Self.syncFixtures()
        for (fragment, key, name) in [
            ("wfWithStatus", "default/ConfigMap/my-config/workflow", "hello-world-prtl9"),
            ("mutexwfstatus", "default/Mutex/test", "synchronization-wf-level-xxs94"),
        ] {
            let workflow = try XCTUnwrap(fixtures.first { $0.file.contains(fragment) }?.workflow)
            let lock = try XCTUnwrap(LockBook(workflows: [workflow]).lock(key), fragment)
            XCTAssertEqual(lock.holders.map(\.workflow), [name], fragment)
            XCTAssertEqual(lock.holders.map(\.nodeID), [nil], "\(fragment): a bare workflow name holds at workflow level")
            XCTAssertTrue(lock.waiters.isEmpty, fragment)
        }
    }

    func testAllSyncFixturesTogetherShareTheLocksTheyName() throws {
        let book = LockBook(workflows: try Self.syncFixtures().map(\.workflow))
        // argo/Mutex/workflow is held by a step of sgg6t (in its status) and by a step of xvzpt (in its own).
        let lock = try XCTUnwrap(book.lock("argo/Mutex/workflow"))
        XCTAssertEqual(lock.holders.compactMap(\.workflow), ["synchronization-tmpl-level-sgg6t", "synchronization-tmpl-level-xvzpt"])
        XCTAssertEqual(lock.waiters.count, 4)
        XCTAssertEqual(
            book.explanation(
                for: WorkflowRef(namespace: "argo", name: "synchronization-tmpl-level-xvzpt"),
                nodeID: "synchronization-tmpl-level-xvzpt-755731602"),
            "waiting for mutex argo/Mutex/workflow: held by synchronization-tmpl-level-sgg6t, synchronization-tmpl-level-xvzpt, 1st of 4 in queue")
        XCTAssertEqual(book.locks.map(\.key.raw), book.locks.map(\.key.raw).sorted())
    }

    // MARK: Decoding

    func testSynchronizationDecodesLenientlyAndLeavesTheRestAlone() throws {
        let text = #"""
            {"metadata": {"name": "wf", "namespace": "argo"},
             "status": {"phase": "Pending", "message": "hi", "progress": "0/1",
               "synchronization": {
                 "semaphore": {"holding": [{"semaphore": "argo/ConfigMap/c/k", "holders": ["argo/a", null, "argo/b"]}, null, {}],
                               "waiting": "not a list"},
                 "mutex": {"holding": [{"mutex": "argo/Mutex/m"}], "waiting": [{"holder": "argo/x", "mutex": "argo/Mutex/m"}]}}}}
            """#
        let workflow = try JSONDecoder().decode(Workflow.self, from: Data(text.utf8))
        XCTAssertEqual(workflow.status?.message, "hi")
        XCTAssertEqual(workflow.status?.progress, "0/1")
        let sync = try XCTUnwrap(workflow.status?.synchronization)
        XCTAssertEqual(sync.semaphore?.holding?.first?.holders, ["argo/a", "argo/b"])
        XCTAssertEqual(sync.semaphore?.holding?.count, 3)
        XCTAssertNil(sync.semaphore?.waiting)
        XCTAssertEqual(sync.mutex?.holding, [MutexHolding(mutex: "argo/Mutex/m", holder: nil)])
        XCTAssertEqual(sync.mutex?.waiting, [MutexHolding(mutex: "argo/Mutex/m", holder: "argo/x")])

        for odd in [#""synchronization": null"#, #""synchronization": "x""#, #""synchronization": {"semaphore": 3, "mutex": []}"#] {
            let json = #"{"metadata": {"name": "wf"}, "status": {"phase": "Running", "# + odd + "}}"
            let decoded = try JSONDecoder().decode(Workflow.self, from: Data(json.utf8))
            XCTAssertEqual(decoded.phase, "Running", odd)
            XCTAssertNil(decoded.status?.synchronization?.semaphore?.holding, odd)
            XCTAssertNil(decoded.status?.synchronization?.mutex?.waiting, odd)
        }
        let book = LockBook(workflows: [workflow])
        XCTAssertEqual(book.lock("argo/Mutex/m")?.holders.map(\.raw), ["argo/x"])
        XCTAssertEqual(book.lock("argo/ConfigMap/c/k")?.holders.map(\.workflow), ["a", "b"])
    }

    // MARK: Keys, messages, holders

    func testLockKeyForms() {
        let configMap = LockKey(Self.dbAudit)
        XCTAssertEqual(configMap.kind, .semaphore(.configMap))
        XCTAssertEqual([configMap.namespace, configMap.name, configMap.key], ["argo", "semaphore-config", "db-audit"])
        XCTAssertEqual(configMap.display, Self.dbAudit)
        let mutex = LockKey("default/Mutex/test/foo/bar")
        XCTAssertEqual(mutex.kind, .mutex)
        XCTAssertEqual([mutex.namespace, mutex.name, mutex.key], ["default", "test/foo/bar", nil], "mutex names may hold slashes")
        let database = LockKey("argo/Database/reports")
        XCTAssertEqual(database.kind, .semaphore(.database))
        XCTAssertEqual([database.namespace, database.name], ["argo", "reports"])
        XCTAssertEqual(LockKey("argo/mutex/welcome").kind, .mutex)
        for odd in ["", "/", "argo", "argo/Mutex", "argo/Mutex/", "/Mutex/x", "argo/Lease/x", "argo//x", "ünï/cødé"] {
            let key = LockKey(odd)
            XCTAssertEqual(key.kind, .unknown, odd)
            XCTAssertEqual(key.raw, odd)
            XCTAssertEqual(key.name, odd)
            XCTAssertNil(key.namespace, odd)
        }
    }

    func testWaitingMessageForms() throws {
        let configMap = try XCTUnwrap(LockWaitMessage.parse("Waiting for \(Self.dbAudit) lock. Lock status: 0/1"))
        XCTAssertEqual(configMap.key.raw, Self.dbAudit)
        XCTAssertEqual([configMap.free, configMap.limit, configMap.held], [0, 1, 1])
        XCTAssertFalse(configMap.isMutex)

        let mutex = try XCTUnwrap(LockWaitMessage.parse("Waiting for argo/Mutex/welcome lock. Lock status: 0/1 "))
        XCTAssertEqual(mutex.key.kind, .mutex)
        XCTAssertTrue(mutex.isMutex)
        XCTAssertEqual([mutex.free, mutex.limit], [0, 1])

        let database = try XCTUnwrap(
            LockWaitMessage.parse("Waiting for argo/Database/reports lock (sem/argo/reports). Lock status: 3/5"))
        XCTAssertEqual(database.key.kind, .semaphore(.database))
        XCTAssertEqual(database.databaseKey, "sem/argo/reports")
        XCTAssertEqual([database.held, database.limit, database.free], [3, 5, 2], "the Database form counts holders")
        XCTAssertFalse(database.isMutex)
        XCTAssertTrue(try XCTUnwrap(LockWaitMessage.parse("Waiting for argo/Database/m lock (mtx/argo/m). Lock status: 1/1")).isMutex)

        let wrapped = try XCTUnwrap(
            LockWaitMessage.parse("step 3: Waiting for argo/Mutex/x lock. Lock status: 0/1 (since 12:00)\nretrying"))
        XCTAssertEqual([wrapped.key.raw], ["argo/Mutex/x"])
        XCTAssertEqual(wrapped.limit, 1)
        let bare = try XCTUnwrap(LockWaitMessage.parse("Waiting for argo/Mutex/x lock."))
        XCTAssertNil(bare.limit)
        XCTAssertNil(bare.free)
    }

    func testWaitingMessageGarbage() throws {
        for text in [
            "", "ContainerCreating", "Waiting for", "Waiting for ", "Waiting for  lock.", "Waiting for the pod to start",
            "Waiting for a lock. Lock status: 1/2", "Waiting for argo/Mutex/x", "waiting for argo/Mutex/x lock.",
            "Waiting for argo/Mutex/x lock (unclosed. Lock status: 1/1", "Waiting for argo/Mutex/x lockdown",
            "Waiting for argo/ConfigMap/a b lock. Lock status: 0/1",
        ] {
            XCTAssertNil(LockWaitMessage.parse(text), text)
        }
        let huge = try XCTUnwrap(LockWaitMessage.parse("Waiting for a/Mutex/b lock. Lock status: 99999999999999999999999999/1"))
        XCTAssertNil(huge.free)
        XCTAssertEqual(huge.limit, 1)
        XCTAssertNil(huge.held)
        let nonsense = try XCTUnwrap(LockWaitMessage.parse("Waiting for a/Mutex/b lock. Lock status: x/-1"))
        XCTAssertEqual([nonsense.free, nonsense.limit, nonsense.held], [nil, nil, nil])
        let inverted = try XCTUnwrap(LockWaitMessage.parse("Waiting for a/Mutex/b lock. Lock status: 5/2"))
        XCTAssertEqual([inverted.free, inverted.limit, inverted.held], [5, 2, nil])

        // Real messages with random pieces cut out or spliced in never trap; whatever parses names a key
        // with a slash and no space, and its numbers are never negative.
        var generator = SeededRandom(seed: 7)
        let forms = [
            "Waiting for \(Self.dbAudit) lock. Lock status: 0/1", "Waiting for argo/Mutex/welcome lock. Lock status: 0/1",
            "Waiting for argo/Database/r lock (sem/argo/r). Lock status: 3/3",
        ]
        let pieces = ["Waiting for ", " lock", ". Lock status: ", "/", " (", ")", "9", "99999999999999999999", " ", "é", "\u{0}", "-", "\n"]
        var parsed = 0
        var refused = 0
        for _ in 0..<3000 {
            var text = Array(forms[generator.int(0..<forms.count)])
            for _ in 0..<generator.int(0..<4) {
                let at = generator.int(0..<text.count + 1)
                if generator.int(0..<2) == 0 {
                    text.insert(contentsOf: pieces[generator.int(0..<pieces.count)], at: at)
                } else {
                    text.removeSubrange(at..<min(text.count, at + generator.int(0..<8)))
                }
            }
            guard let message = LockWaitMessage.parse(String(text)) else {
                refused += 1
                continue
            }
            parsed += 1
            XCTAssertTrue(message.key.raw.contains("/") && !message.key.raw.contains(where: { $0.isWhitespace }), String(text))
            for number in [message.free, message.held, message.limit] { XCTAssertGreaterThanOrEqual(number ?? 0, 0) }
        }
        XCTAssertGreaterThan(parsed, 100)
        XCTAssertGreaterThan(refused, 100)
    }

    func testHolderKeys() {
        let owner = WorkflowRef(namespace: "argo", name: "parent")
        func parts(_ raw: String, owner: WorkflowRef? = nil, known: Set<String> = []) -> [String?] {
            let holder = LockHolder(parsing: raw, owner: owner, knownWorkflows: known)
            XCTAssertEqual(holder.raw, raw)
            return [holder.namespace, holder.workflow, holder.nodeID]
        }
        XCTAssertEqual(parts("argo/child-1"), ["argo", "child-1", nil])
        XCTAssertEqual(parts("argo/parent/parent-1234"), ["argo", "parent", "parent-1234"])
        XCTAssertEqual(parts("parent/parent-1234"), [nil, "parent", "parent-1234"], "the older wf/nodeId waiting form")
        XCTAssertEqual(parts("parent", owner: owner), [nil, "parent", nil])
        XCTAssertEqual(parts("parent-1234", owner: owner), [nil, "parent", "parent-1234"])
        XCTAssertEqual(parts("other-99"), [nil, nil, "other-99"])
        XCTAssertEqual(parts("other-99", known: ["other"]), [nil, "other", "other-99"])
        XCTAssertEqual(parts("nightly-1700000000", known: ["nightly-1700000000"]), [nil, "nightly-1700000000", nil], "a known cron run")
        XCTAssertEqual(parts("hello-world-abc"), [nil, "hello-world-abc", nil])
        XCTAssertEqual(parts(""), [nil, nil, nil])
        XCTAssertEqual(parts("/"), [nil, nil, nil])
        XCTAssertEqual(parts("//"), [nil, nil, nil])
        XCTAssertEqual(parts("-1"), [nil, "-1", nil])
        XCTAssertEqual(LockHolder(parsing: "other-99").display, "other-99", "a node of an unknown workflow shows its id")
        XCTAssertEqual(LockHolder(parsing: "argo/parent/parent-1234").display, "parent")
    }

    func testOrdinals() {
        let expected = [
            1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 22: "22nd", 23: "23rd",
            101: "101st", 111: "111th", 112: "112th", 113: "113th", 0: "0th", 1011: "1011th", 1021: "1021st",
        ]
        for (n, text) in expected { XCTAssertEqual(Format.ordinal(n), text) }
        XCTAssertEqual(Format.ordinal(-2), "-2nd")
        XCTAssertTrue(Format.ordinal(Int.min).hasSuffix("th"))
    }

    // MARK: Queues

    static func pendingChild(_ name: String, created: Double, key: String = dbAudit, holder: String? = "argo/child-prod-db-00") -> Workflow {
        var status = WorkflowStatus()
        status.phase = "Pending"
        status.message = "Waiting for \(key) lock. Lock status: 0/1"
        status.synchronization = WorkflowSynchronizationStatus(
            semaphore: SemaphoreStatus(waiting: [SemaphoreHolding(semaphore: key, holders: holder.map { [$0] })]))
        return Workflow(metadata: ObjectMeta(name: name, namespace: "argo", creationTimestamp: Timestamp(seconds: created)), status: status)
    }

    static func holdingChild(_ name: String, key: String = dbAudit) -> Workflow {
        var status = WorkflowStatus()
        status.phase = "Running"
        status.synchronization = WorkflowSynchronizationStatus(
            semaphore: SemaphoreStatus(holding: [SemaphoreHolding(semaphore: key, holders: ["argo/" + name])]))
        return Workflow(metadata: ObjectMeta(name: name, namespace: "argo", creationTimestamp: Timestamp(seconds: 0)), status: status)
    }

    func testFortyPendingChildrenQueueByCreationThenName() throws {
        var generator = SeededRandom(seed: 40)
        // Names do not follow creation order, and times come in ties of up to three.
        let numbers = (1...40).map { $0 }.shuffled(using: &generator)
        let children = numbers.enumerated().map { offset, number in
            Self.pendingChild("child-prod-db-" + String(number).leftPadded(to: 2), created: 1_800_000_000 + Double(offset / 3 * 60))
        }
        let expected = children.sorted {
            let (a, b) = ($0.metadata.creationTimestamp!.seconds, $1.metadata.creationTimestamp!.seconds)
            return a != b ? a < b : $0.name < $1.name
        }.map(\.name)
        XCTAssertNotEqual(expected, expected.sorted(), "the test needs creation order to differ from name order")

        let input = (children + [Self.holdingChild("child-prod-db-00")]).shuffled(using: &generator)
        let book = LockBook(workflows: input)
        XCTAssertEqual(book.locks.count, 1)
        let lock = try XCTUnwrap(book.lock(Self.dbAudit))
        XCTAssertEqual(lock.limit, 1)
        XCTAssertFalse(lock.isMutex)
        XCTAssertEqual(lock.holders.map(\.display), ["child-prod-db-00"])
        XCTAssertEqual(lock.waiters.map(\.name), expected)
        XCTAssertEqual(lock.waiters.map(\.position), Array(1...40))
        XCTAssertTrue(lock.waiters.allSatisfy { $0.total == 40 && $0.nodeID == nil })

        let twelfth = WorkflowRef(namespace: "argo", name: expected[11])
        XCTAssertEqual(
            book.explanation(for: twelfth),
            "waiting for semaphore \(Self.dbAudit) (limit 1): held by child-prod-db-00, 12th of 40 in queue")
        XCTAssertEqual(book.waits(of: twelfth).map(\.waiter.position), [12])
        XCTAssertNil(book.explanation(for: WorkflowRef(namespace: "argo", name: "child-prod-db-00")), "the holder does not wait")
        XCTAssertNil(book.explanation(for: WorkflowRef(namespace: "other", name: expected[11])), "namespaces are kept apart")
    }

    func testWaitingEntryAloneMakesAPendingWorkflowAWaiterAndNamesTheHolder() throws {
        var waiting = Self.pendingChild("child-b", created: 10, holder: "argo/child-a")
        waiting.status?.message = nil
        let book = LockBook(workflows: [waiting])
        let lock = try XCTUnwrap(book.lock(Self.dbAudit))
        XCTAssertEqual(lock.holders.map(\.workflow), ["child-a"], "waiting[].holders are the lock's holders")
        XCTAssertEqual(lock.waiters.map(\.name), ["child-b"])
        XCTAssertNil(lock.limit, "no message tells the limit")
        XCTAssertEqual(book.explanation(for: WorkflowRef(namespace: "argo", name: "child-b")),
            "waiting for semaphore \(Self.dbAudit): held by child-a, 1st of 1 in queue")

        // A stale object can still say it waits while its status already lists it as holding: it holds.
        var stale = waiting
        stale.status?.synchronization?.semaphore?.holding = [SemaphoreHolding(semaphore: Self.dbAudit, holders: ["argo/child-b"])]
        stale.status?.message = "Waiting for \(Self.dbAudit) lock. Lock status: 0/1"
        let staleLock = try XCTUnwrap(LockBook(workflows: [stale]).lock(Self.dbAudit))
        XCTAssertEqual(staleLock.holders.compactMap(\.workflow), ["child-a", "child-b"])
        XCTAssertTrue(staleLock.waiters.isEmpty)

        var running = waiting
        running.status?.phase = "Running"
        XCTAssertTrue(try XCTUnwrap(LockBook(workflows: [running]).lock(Self.dbAudit)).waiters.isEmpty,
            "a running workflow waits only through its steps")
    }

    func testManyHoldersAreListedUpToThree() throws {
        let key = "argo/ConfigMap/semaphore-config/wide"
        let holders = (1...5).map { Self.holdingChild("holder-\($0)", key: key) }
        var waiting = Self.pendingChild("late", created: 99, key: key, holder: "argo/holder-2")
        waiting.status?.message = "Waiting for \(key) lock. Lock status: 0/5"
        let book = LockBook(workflows: holders + [waiting])
        XCTAssertEqual(book.lock(key)?.holders.count, 5, "holder-2 is named twice but holds once")
        XCTAssertEqual(book.explanation(for: WorkflowRef(namespace: "argo", name: "late")),
            "waiting for semaphore \(key) (limit 5): held by holder-1, holder-2, holder-3 and 2 more, 1st of 1 in queue")
    }

    func testTemplateLevelSemaphoreQueuesTheParentsPendingSteps() throws {
        let key = Self.dbAudit
        let parentName = "nightly-parent"
        var nodes: [String: NodeStatus] = [:]
        var root = NodeStatus(id: parentName, name: parentName, type: "Steps", phase: "Running")
        root.startedAt = Timestamp(seconds: 100)
        nodes[root.id] = root
        // Steps of one fan-out, started in three waves, listed out of order.
        var expected: [(time: Double, name: String, id: String)] = []
        for index in [7, 2, 9, 0, 4, 1, 8, 3, 6, 5, 10, 11] {
            let name = "\(parentName)[0].create-child(\(index):db-\(index))"
            var node = NodeStatus(id: "\(parentName)-\(1000 + index * 37)", name: name, displayName: "create-child(\(index):db-\(index))",
                type: "Pod", phase: index == 0 ? "Running" : "Pending")
            node.templateName = "create-child"
            node.startedAt = Timestamp(seconds: 100 + Double([0, 0, 5][index % 3]))
            if index != 0 {
                node.synchronizationStatus = SynchronizationStatus(waiting: key)
                node.message = "Waiting for \(key) lock. Lock status: 0/1"
                expected.append((node.startedAt!.seconds, name, node.id))
            }
            nodes[node.id] = node
        }
        // Neither a step that waits for nothing nor a finished step with a stale wait is in the queue.
        var other = NodeStatus(id: "\(parentName)-5", name: "\(parentName)[1].report", displayName: "report", type: "Pod", phase: "Pending")
        other.message = "ContainerCreating"
        nodes[other.id] = other
        var stale = NodeStatus(id: "\(parentName)-6", name: "\(parentName)[0].old", displayName: "old", type: "Pod", phase: "Succeeded")
        stale.synchronizationStatus = SynchronizationStatus(waiting: key)
        nodes[stale.id] = stale
        expected.sort { $0.time != $1.time ? $0.time < $1.time : TreeBuilder.itemIndex($0.name) < TreeBuilder.itemIndex($1.name) }

        let holderID = "\(parentName)-1000"
        var status = WorkflowStatus()
        status.phase = "Running"
        status.synchronization = WorkflowSynchronizationStatus(semaphore: SemaphoreStatus(
            holding: [SemaphoreHolding(semaphore: key, holders: ["argo/\(parentName)/\(holderID)"])],
            waiting: [SemaphoreHolding(semaphore: key, holders: ["argo/\(parentName)/\(holderID)"])]))
        let listItem = Workflow(metadata: ObjectMeta(name: parentName, namespace: "argo", creationTimestamp: Timestamp(seconds: 90)), status: status)
        let parent = WorkflowRef(listItem)

        XCTAssertTrue(try XCTUnwrap(LockBook(workflows: [listItem]).lock(key)).waiters.isEmpty, "without nodes the steps are unknown")

        let book = LockBook(workflows: [listItem], nodes: [parent: NodeMap(nodes)])
        let lock = try XCTUnwrap(book.lock(key))
        XCTAssertEqual(lock.holders.map { [$0.workflow, $0.nodeID] }, [[parentName, holderID]])
        XCTAssertEqual(lock.waiters.map(\.nodeID), expected.map(\.id))
        XCTAssertEqual(lock.waiters.map(\.position), Array(1...11))
        XCTAssertTrue(lock.waiters.allSatisfy { $0.workflow == parent })
        XCTAssertNil(book.explanation(for: parent), "the parent runs; its steps wait")
        XCTAssertEqual(
            book.explanation(for: parent, nodeID: expected[2].id),
            "waiting for semaphore \(key) (limit 1): held by \(parentName), 3rd of 11 in queue")
        XCTAssertNil(book.explanation(for: parent, nodeID: other.id))
        XCTAssertNil(book.explanation(for: parent, nodeID: holderID))

        // Even a parent marked Pending is not queued itself for a lock its own steps wait for.
        var pendingItem = listItem
        pendingItem.status?.phase = "Pending"
        let pendingLock = try XCTUnwrap(LockBook(workflows: [pendingItem], nodes: [parent: NodeMap(nodes)]).lock(key))
        XCTAssertEqual(pendingLock.waiters.map(\.nodeID), expected.map(\.id))
    }

    func testHostileInputStaysWhole() throws {
        var generator = SeededRandom(seed: 5)
        // Five thousand waiters, each listed twice and naming the one holder several ways, plus keys of every odd shape.
        var workflows: [Workflow] = []
        for index in 0..<5000 {
            var child = Self.pendingChild("w-\(index)", created: Double(generator.int(0..<50)))
            child.status?.synchronization?.semaphore?.waiting?[0].holders = ["argo/holder", "holder", "argo/holder", ""]
            workflows += [child, child]
        }
        workflows.append(Self.holdingChild("holder"))
        for (number, odd) in ["", "/", "//", "a", "a/ConfigMap", "a/ConfigMap/b", "x/Mutex/", "\u{1b}[2J/Mutex/x"].enumerated() {
            var status = WorkflowStatus()
            status.phase = "Pending"
            status.message = "Waiting for \(odd) lock. Lock status: 18446744073709551616/-3"
            status.synchronization = WorkflowSynchronizationStatus(
                semaphore: SemaphoreStatus(holding: [SemaphoreHolding(semaphore: odd, holders: [odd, odd])]),
                mutex: MutexStatus(waiting: [MutexHolding(mutex: odd, holder: "")]))
            workflows.append(Workflow(metadata: ObjectMeta(name: "odd-\(number)", namespace: ""), status: status))
        }
        workflows.append(Workflow(metadata: ObjectMeta(name: "")))
        let started = Date()
        let book = LockBook(workflows: workflows.shuffled(using: &generator))
        XCTAssertLessThan(Date().timeIntervalSince(started), 10, "building the book stays quick")
        let lock = try XCTUnwrap(book.lock(Self.dbAudit))
        XCTAssertEqual(lock.waiters.count, 5000, "a workflow listed twice waits once")
        XCTAssertEqual(lock.holders.map(\.display), ["holder"], "the holder is one however it is named")
        XCTAssertEqual(Set(lock.waiters.map(\.position)).count, 5000)
        XCTAssertEqual(lock.waiters.last?.position, 5000)
        XCTAssertTrue(zip(lock.waiters, lock.waiters.dropFirst()).allSatisfy { $0.since!.seconds <= $1.since!.seconds })
        XCTAssertFalse(book.locks.contains { $0.key.raw.isEmpty }, "an empty key is no lock")
        XCTAssertTrue(book.locks.allSatisfy { $0.holders.allSatisfy { !$0.raw.isEmpty } })
        for lock in book.locks {
            for waiter in lock.waiters.prefix(3) {
                XCTAssertNotNil(book.explanation(for: waiter.workflow, nodeID: waiter.nodeID))
            }
        }
    }
}

// The demo cluster's seeded generator, so that shuffles repeat.
extension SeededRandom: RandomNumberGenerator {}
