package redisconfiglint

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"
)

// Settings are package state shared by the flags, so these tests do not
// run in parallel.

func TestDiagnostics(t *testing.T) {
	Configure(Settings{})
	analysistest.Run(t, analysistest.TestData(), Analyzer, "checks")
}

func TestClusterTimeoutOnOldVersion(t *testing.T) {
	Configure(Settings{GoRedisVersion: "v9.22.0"})
	t.Cleanup(func() { Configure(Settings{}) })
	analysistest.Run(t, analysistest.TestData(), Analyzer, "oldcluster")
}

func TestFixes(t *testing.T) {
	Configure(Settings{})
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), Analyzer, "fix", "fixmain", "fixurl", "fixuniversal")
}
