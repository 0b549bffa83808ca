/// With `heal: {scale: …}` the autopilot owns a service's replica count, as a Kubernetes HPA
/// owns a Deployment's: the blueprint's `replicas` is only where it starts. Plans keep the
/// count last applied (the autopilot's decision), within `min`…`max`, so a reconcile never
/// undoes a scale-out.
public enum AutoscaledReplicas {
    public static func bounds(of inputs: [String: Value]) -> ClosedRange<Int>? {
        guard let scale = inputs["heal"]?.mapValue?["scale"]?.mapValue else { return nil }
        let low = max(1, scale["min"]?.intValue ?? 1)
        return low...max(low, scale["max"]?.intValue ?? 10)
    }

    static func adjust(_ inputs: inout [String: Value], recorded: ResourceState?) {
        guard let bounds = bounds(of: inputs) else { return }
        let current = recorded?.inputs["replicas"]?.intValue ?? inputs["replicas"]?.intValue ?? 1
        inputs["replicas"] = .int(min(max(current, bounds.lowerBound), bounds.upperBound))
    }
}
