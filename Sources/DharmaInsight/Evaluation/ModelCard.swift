/// What each model scored on public data, as `dharma insight eval` measured it (release build,
/// 2026-12-07) and the README records it, beside the baseline and the published figures it is
/// compared with. The AIOps dashboard shows these next to what the models did in production;
/// the command reproduces each figure, and changing a model means running it and updating its card.
public struct ModelCard: Sendable, Hashable {
    public var model: String
    /// What the autopilot uses it for.
    public var purpose: String
    public var benchmark: String
    public var measure: String
    public var figure: String
    /// The baseline measured in the same run, and the published figures for comparison.
    public var comparison: String
    public var command: String

    public static let published: [ModelCard] = [
        ModelCard(
            model: "PatternNoveltyDetector", purpose: "anomalies in every metric series", benchmark: "NAB v1.1, 58 files, 365,558 points",
            measure: "NAB score, standard profile (low FP / low FN)", figure: "76.18 (71.01 / 79.81)",
            comparison: "published: ARTime 74.9, Numenta HTM 70.1, CAD OSE 69.9",
            command: "dharma insight eval anomaly --data ../shared/data/nab"),
        ModelCard(
            model: "Seasonal ensemble forecaster", purpose: "capacity, cost and metric forecasts with their bands",
            benchmark: "M4 Hourly, 414 series, horizon 48", measure: "OWA (sMAPE, MASE)", figure: "0.470 (10.044, 0.944)",
            comparison: "Naive2 1.000, ETS 0.890; published: Theta 1.006, FFORMA 0.484, ES-RNN 0.440",
            command: "dharma insight eval forecast --data ../shared/data/m4-hourly"),
        ModelCard(
            model: "RootCauseAnalyzer (personalised PageRank)", purpose: "ranking the suspects of an incident",
            benchmark: "300 simulated incidents with a known cause (seed 1)", measure: "top-1 (top-3)", figure: "86.3 % (99.7 %)",
            comparison: "earliest anomaly: 16.3 % (51.7 %)", command: "dharma insight eval rca --incidents 300 --seed 1"),
    ]
}
