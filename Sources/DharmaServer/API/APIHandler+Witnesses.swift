import DharmaAPI
import DharmaService
import DharmaStore
import Foundation
import OpenAPIRuntime

/// The witnesses of an organisation's audit log.
extension APIHandler {
    func witnessing() throws(ServiceError) -> WitnessingService {
        WitnessingService(tenants: try tenants(), pusher: pusher)
    }

    func listWitnesses(_ input: Operations.ListWitnesses.Input) async throws -> Operations.ListWitnesses.Output {
        await respond(Operations.ListWitnesses.Output.default) { () throws(ServiceError) in
            .ok(.init(body: .json(.init(items: try await witnessing().witnesses(of: input.path.org).map(Components.Schemas.Witness.init)))))
        }
    }

    func setWitness(_ input: Operations.SetWitness.Input) async throws -> Operations.SetWitness.Output {
        await respond(Operations.SetWitness.Output.default) { () throws(ServiceError) in
            guard case .json(let body) = input.body else { throw .invalidInput("the body must be JSON") }
            let witness = try await witnessing().setWitness(input.path.witness, url: body.url, keys: body.keys, in: input.path.org)
            return .ok(.init(body: .json(.init(witness))))
        }
    }

    func removeWitness(_ input: Operations.RemoveWitness.Input) async throws -> Operations.RemoveWitness.Output {
        await respond(Operations.RemoveWitness.Output.default) { () throws(ServiceError) in
            try await witnessing().removeWitness(input.path.witness, in: input.path.org)
            return .noContent(.init())
        }
    }

    func collectCosignatures(_ input: Operations.CollectCosignatures.Input) async throws -> Operations.CollectCosignatures.Output {
        await respond(Operations.CollectCosignatures.Output.default) { () throws(ServiceError) in
            let outcomes = try await witnessing().cosign(in: input.path.org)
            return .ok(
                .init(
                    body: .json(
                        .init(
                            results: outcomes.map {
                                .init(witness: $0.witness, cosigned: $0.cosigned, size: Int($0.size), detail: $0.detail)
                            }))))
        }
    }
}

extension Components.Schemas.Witness {
    init(_ witness: LogWitness) {
        self.init(
            name: witness.name, url: witness.url, keys: witness.keys, cosignedSize: Int(witness.cosignedSize), lastError: witness.lastError,
            updatedAt: Date(epoch: witness.updatedAt))
    }
}
