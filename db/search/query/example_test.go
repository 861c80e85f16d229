package query_test

import (
	"fmt"

	"github.com/aiosyslogd/aiosyslogd/db/search/query"
)

func Example() {
	for _, q := range []string{
		`tag:sshd "Failed password" -ip:10.0.0.0/8`,
		`app:nginx level:warning (fail* OR error)`,
		`host:web-* 203.0.113.66 NOT msg:"disk full"`,
		`hots:x`,
	} {
		n, err := query.Parse(q)
		if err != nil {
			fmt.Println("error:", err.(*query.Error).What, "at column", err.(*query.Error).Column)
			continue
		}
		fmt.Println(n)
	}
	// Output:
	// tag:sshd "Failed password" -ip:10.0.0.0/8
	// tag:nginx severity:warning (fail* OR error)
	// host:web-* 203.0.113.66 -message:"disk full"
	// error: unknown field "hots" at column 1
}

func ExampleParse() {
	n, _ := query.Parse("a OR b c")
	or := n.(*query.Or)
	fmt.Println(len(or.Nodes), or.Nodes[1])
	// Output: 2 b c
}

func ExampleWalk() {
	n, _ := query.Parse(`sshd (host:web-* OR 203.0.113.66) -tag:cron`)
	query.Walk(n, func(term query.Node) error {
		fmt.Println(term)
		return nil
	})
	// Output:
	// sshd
	// host:web-*
	// 203.0.113.66
	// tag:cron
}
