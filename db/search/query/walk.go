package query

// Walk calls visit for each term of n, the *Text and *Field nodes, in the
// order they were written, and stops at the first error visit returns,
// which it returns. A nil n has no terms. Front ends use it to check a
// query's terms against rules of their own (the web server's redaction
// refuses terms that would find what it masks).
func Walk(n Node, visit func(Node) error) error {
	switch n := n.(type) {
	case *And:
		return walkAll(n.Nodes, visit)
	case *Or:
		return walkAll(n.Nodes, visit)
	case *Not:
		return Walk(n.Node, visit)
	case nil:
		return nil
	}
	return visit(n)
}

func walkAll(nodes []Node, visit func(Node) error) error {
	for _, n := range nodes {
		if err := Walk(n, visit); err != nil {
			return err
		}
	}
	return nil
}
