import Testing
import Logits

@Test func cliTargetsLink() {
    #expect(!LogitsLibrary.version.isEmpty)
}
