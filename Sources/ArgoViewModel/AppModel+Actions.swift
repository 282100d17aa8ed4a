import ArgoAPI

/// Actions on a workflow or a step: each asks first, naming its target; `y` sends it, once (never retried);
/// the server's answer shows, and the workflow is read again. `--readonly` turns them all off.
extension AppModel {
    static let actionNames: [Action: WorkflowAction] = [
        .retry: .retry, .resubmit: .resubmit, .stop: .stop, .terminate: .terminate,
    ]

    /// `R` `E` `S` `T` `U`: the question for the selected workflow or step, or why not.
    func requestAction(_ action: Action) -> [Effect] {
        if readonly {
            notice = "read-only (--readonly): actions are off"
            return []
        }
        guard let target = actionTarget() else {
            notice = "select a workflow to act on"
            return []
        }
        if target.archived {
            notice = "\(target.workflow.name) is archived: it is history, read-only (resubmit it from a live copy)"
            return []
        }
        let wf = target.workflow
        let ns = wf.namespace.isEmpty ? namespace : wf.namespace
        var request = ActionRequest(action: .retry, namespace: ns, workflow: wf.name)
        var question: String
        let phase = wf.phase.isEmpty ? "Pending" : wf.phase
        switch action {
        case .retry:
            guard phase == "Failed" || phase == "Error" else {
                notice = "\(wf.name) is \(phase): only a Failed or Error workflow can be retried"
                return []
            }
            if let node = target.node, NodeTree.isFailure(node.phase), node.id != wf.name {
                request.nodeID = node.id
                question = "Retry \(wf.name) from step \(node.shownName) (it and what follows run again)?"
            } else {
                question = "Retry \(wf.name) (its failed steps run again)?"
            }
        case .resubmit:
            request.action = .resubmit
            question = "Resubmit \(wf.name) (a new workflow with the same spec)?"
        case .stop, .terminate:
            request.action = action == .stop ? .stop : .terminate
            guard phase == "Running" || phase == "Pending" else {
                notice = "\(wf.name) is \(phase): only a running or pending workflow can be stopped or terminated"
                return []
            }
            question = action == .stop
                ? "Stop \(wf.name) (running steps end, exit handlers run)?"
                : "Terminate \(wf.name) (everything ends now, exit handlers do not run)?"
        case .suspendResume:
            let suspendedNode = target.node.flatMap { $0.type == "Suspend" && $0.phase == "Running" ? $0 : nil }
            let waiting = wf.nodes.contains(.suspend, inPhase: "Running")
            if wf.spec?.suspend == true || suspendedNode != nil || (waiting && target.node == nil) {
                request.action = .resume
                if let node = suspendedNode {
                    request.nodeID = node.id
                    question = "Resume \(wf.name) at step \(node.shownName)?"
                } else {
                    question = "Resume \(wf.name)?"
                }
            } else {
                guard phase == "Running" else {
                    notice = "\(wf.name) is \(phase): only a running workflow can be suspended"
                    return []
                }
                request.action = .suspend
                question = "Suspend \(wf.name) (no new steps start until it is resumed)?"
            }
        default:
            return []
        }
        ops.confirm = PendingAction(request: request, question: question)
        return []
    }

    /// What an action applies to: the selected workflow of a list, or the open workflow and its selected step.
    func actionTarget() -> (workflow: Workflow, node: NodeStatus?, archived: Bool)? {
        switch view {
        case .workflows:
            guard list.items.indices.contains(list.cursor.selected) else { return nil }
            let wf = list.items[list.cursor.selected]
            return (wf, nil, Hygiene.isArchived(wf))
        case .workflow, .node:
            guard let state = open, let wf = state.workflow else { return nil }
            var node: NodeStatus?
            if view == .node, let id = details?.nodeID {
                node = wf.nodes[id]
            } else if let tree = state.tree, state.selectedEntry >= 0, let selected = tree.node(at: state.selectedEntry), wf.nodes[selected.id] != nil {
                node = selected
            }
            return (wf, node, state.archivedUID != nil)
        case .runs:
            guard let runs = ops.runsView, runs.items.indices.contains(runs.cursor.selected) else { return nil }
            let wf = runs.items[runs.cursor.selected]
            return (wf, nil, Hygiene.isArchived(wf))
        default:
            return nil
        }
    }

    /// A key while the question is up: `y` sends the action; any other key cancels.
    func answerConfirmation(_ key: Key) -> [Effect] {
        guard let pending = ops.confirm else { return [] }
        ops.confirm = nil
        guard key == .char("y") || key == .char("Y") else {
            notice = "\(pending.request.action.verb) of \(pending.request.workflow) cancelled"
            return []
        }
        notice = "\(pending.request.action.verb) \(pending.request.workflow): sent, waiting for the server…"
        requests += 1
        return [.ops(.perform(pending.request))]
    }

    func actionDone(_ request: ActionRequest, _ result: Result<Workflow, APIError>, bytes: Int) -> [Effect] {
        bytesReceived += bytes
        let target = request.workflow + (request.nodeID.map { " (node \($0))" } ?? "")
        switch result {
        case .failure(let failure):
            notice = nil
            if case .http(501, actionsNeedArgoServer, _) = failure {
                setError("\(request.action.verb) \(target): not sent: \(actionsNeedArgoServer)", .workflow)
                return []
            }
            setError("\(request.action.verb) \(target): the server refused: \(failure)", .workflow)
            return []
        case .success(let wf):
            clearError(.workflow)
            if request.action == .resubmit {
                notice = "resubmit \(request.workflow): the server created \(wf.name) (\(wf.phase.isEmpty ? "Pending" : wf.phase))"
            } else {
                notice = "\(request.action.verb) \(target): the server answered: \(wf.name) is \(wf.phase.isEmpty ? "Pending" : wf.phase)"
                    + (wf.spec?.suspend == true ? ", suspended" : "")
            }
            // Read again what is on screen; the list follows through its watch.
            if let state = open, state.name == request.workflow, state.namespace == request.namespace {
                open?.reading = true
                requests += 1
                return [.fetchWorkflow(namespace: state.namespace, name: state.name)]
            }
            return []
        }
    }
}
