package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// Requests are counted by the route that served them, not by path; a
// streaming handler still finds its Flusher.
func TestRequestsByRoute(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/search", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("q") == "bad" {
			http.Error(w, "bad query", http.StatusBadRequest)
			return
		}
		io.WriteString(w, "[]")
	})
	mux.HandleFunc("GET /api/tail", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "data: x\n\n")
		w.(http.Flusher).Flush()
	})
	mux.HandleFunc("GET /event/{id}", func(w http.ResponseWriter, _ *http.Request) {})
	reg := prometheus.NewRegistry()
	srv := httptest.NewServer(NewRequests(reg, "test_web").Wrap(mux, mux))
	defer srv.Close()
	for _, path := range []string{"/api/search?q=a", "/api/search?q=bad", "/api/search?q=b", "/api/tail", "/event/1", "/event/2", "/nowhere"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	want := `
# HELP test_web_http_requests_total HTTP requests answered, by route, method and status code.
# TYPE test_web_http_requests_total counter
test_web_http_requests_total{code="200",method="GET",route="GET /api/search"} 2
test_web_http_requests_total{code="200",method="GET",route="GET /api/tail"} 1
test_web_http_requests_total{code="200",method="GET",route="GET /event/{id}"} 2
test_web_http_requests_total{code="400",method="GET",route="GET /api/search"} 1
test_web_http_requests_total{code="404",method="GET",route="unmatched"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "test_web_http_requests_total"); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(reg, "test_web_http_request_duration_seconds"); n != 4 {
		t.Errorf("%d duration series, want one per route (4)", n)
	}
}
