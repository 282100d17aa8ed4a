import ArgoAPI
import ArgoViewModel

extension Runtime {
    /// The calls of `:cron`, `:tmpl`, `:archive` and the actions.
    func perform(ops work: OpsEffect) {
        switch work {
        case .fetchCronWorkflows(let namespace):
            client.listCronWorkflows(namespace: namespace, handler: track("the CronWorkflows") { .ops(.cronWorkflows($0, bytes: $1)) })
        case .fetchRuns(let tag, let namespace, let selector, let archived):
            if archived {
                client.listArchivedWorkflows(
                    namespace: namespace, limit: AppModel.runsPageSize, continueToken: nil, labelSelector: selector,
                    handler: track("the archived runs") { .ops(.runs(tag: tag, archived: true, $0, bytes: $1)) })
            } else {
                client.listWorkflows(
                    namespace: namespace, limit: AppModel.runsPageSize, continueToken: nil, labelSelector: selector,
                    handler: track("the runs") { .ops(.runs(tag: tag, archived: false, $0, bytes: $1)) })
            }
        case .fetchArchive(let namespace, let token):
            client.listArchivedWorkflows(
                namespace: namespace, limit: model.pageSize, continueToken: token,
                handler: track("the archive") { .ops(.archive(continueToken: token, $0, bytes: $1)) })
        case .fetchArchivedWorkflow(let namespace, let name, let uid):
            client.getArchivedWorkflow(
                namespace: namespace, uid: uid,
                handler: track(name) { .workflow(namespace: namespace, name: name, $0, bytes: $1) })
        case .fetchTemplates(let namespace):
            client.listWorkflowTemplates(namespace: namespace, handler: track("the WorkflowTemplates") { .ops(.templates($0, bytes: $1)) })
        case .fetchRun(let namespace, let name, let uid):
            let handler = track(name) { (result: Result<Workflow, APIError>, bytes: Int) in ModelEvent.ops(.run(name: name, result, bytes: bytes)) }
            if let uid {
                client.getArchivedWorkflow(namespace: namespace, uid: uid, handler: handler)
            } else {
                client.getWorkflow(namespace: namespace, name: name, handler: handler)
            }
        case .perform(let request):
            client.perform(request, handler: track("the \(request.action.verb)") { .ops(.actionDone(request, $0, bytes: $1)) })
        }
    }
}
