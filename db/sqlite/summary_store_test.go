package sqlite

import (
	"testing"

	"github.com/aiosyslogd/aiosyslogd/db/storetest"
)

// TestSummariesStoreSuite runs the store suite's histograms, facets,
// values and exports (storetest.CheckSummaries, which the PostgreSQL
// store runs too) over the same events.
func TestSummariesStoreSuite(t *testing.T) {
	storetest.CheckSummaries(t, openSearchFixture(t))
}
