import Testing

@Suite struct InfoCommandTests {
    @Test(.enabled(if: CLIRunner.executableURL != nil, "logits binary not built"))
    func infoPrintsVersionAndBackend() throws {
        let r = try CLIRunner.run(["info"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Logits"))
        #expect(r.stdout.contains("GEMM backend"))
    }
}
