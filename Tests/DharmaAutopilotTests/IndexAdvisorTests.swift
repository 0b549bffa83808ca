import Testing

@testable import DharmaAutopilot

@Suite("Index advice from generic plans")
struct IndexAdvisorTests {
    func plan(_ filter: String, alias: String = "o", nested: Bool = true) -> String {
        let scan = """
            {"Node Type": "Seq Scan", "Relation Name": "orders", "Schema": "sales", "Alias": "\(alias)", "Filter": "\(filter)"}
            """
        let root = nested ? #"{"Node Type": "Gather", "Plans": [\#(scan)]}"# : scan
        return #"[{"Plan": \#(root)}]"#
    }

    @Test("equality columns, casts and a range column are read from the filter of a nested sequential scan")
    func columns() {
        let scans = IndexAdvisor.sequentialScans(inPlan: plan("((o.customer_id = $1) AND ((o.status)::text = $2) AND (o.created_at >= $3))"))
        #expect(scans == [IndexAdvisor.Scan(schema: "sales", table: "orders", equality: ["customer_id", "status"], range: ["created_at"])])
    }

    @Test("the most selective equality column leads; columns with under 10 values are left out; the range column comes last")
    func ranking() throws {
        let scan = IndexAdvisor.Scan(schema: "sales", table: "orders", equality: ["status", "customer_id"], range: ["created_at"])
        let proposal = try #require(IndexAdvisor.propose(scan, distinctValues: ["status": 3, "customer_id": 40_000]))
        #expect(proposal.columns == ["customer_id", "created_at"])
        #expect(
            proposal.createStatement
                == #"CREATE INDEX CONCURRENTLY IF NOT EXISTS "dharma_orders_customer_id_created_at_idx" ON "sales"."orders" ("customer_id", "created_at");"#)
        #expect(proposal.dropStatement == #"DROP INDEX CONCURRENTLY IF EXISTS "sales"."dharma_orders_customer_id_created_at_idx";"#)
    }

    @Test("OR at the top, comparisons between two columns and other tables' columns give no proposal")
    func nothingToIndex() {
        #expect(IndexAdvisor.sequentialScans(inPlan: plan("((o.customer_id = $1) OR (o.status = $2))")).isEmpty)
        #expect(IndexAdvisor.sequentialScans(inPlan: plan("(o.total > o.discount)")).isEmpty)
        #expect(IndexAdvisor.sequentialScans(inPlan: plan("(c.id = $1)")).isEmpty)
        #expect(IndexAdvisor.sequentialScans(inPlan: "not json").isEmpty)
    }

    @Test("quoted names, string constants holding AND, and a constant on the left are understood")
    func quoting() {
        let scans = IndexAdvisor.sequentialScans(
            inPlan: plan(#"(('a AND b'::text = \"O\".\"Note\") AND (\"O\".region = 'eu'::text))"#, alias: "O", nested: false))
        #expect(scans.first?.equality == ["Note", "region"])
    }

    @Test("index names stay within PostgreSQL's 63 bytes")
    func longNames() {
        let proposal = IndexProposal(schema: "public", table: String(repeating: "t", count: 60), columns: ["a", "b"])
        #expect(proposal.name.utf8.count == 63 && proposal.name.hasPrefix("dharma_"))
    }

    @Test("a plan reads through an index when any node names it")
    func indexUse() {
        let plan = #"[{"Plan": {"Node Type": "Gather", "Plans": [{"Node Type": "Index Scan", "Index Name": "dharma_orders_customer_id_idx"}]}}]"#
        #expect(IndexAdvisor.usesIndex("dharma_orders_customer_id_idx", inPlan: plan))
        #expect(!IndexAdvisor.usesIndex("other_idx", inPlan: plan))
        #expect(!IndexAdvisor.usesIndex("dharma_orders_customer_id_idx", inPlan: self.plan("(o.status = $1)")))
    }
}
