package query

// Node's String is print.go's, written apart from the evaluator; until it
// lands these stand in for it so that the tests build. Delete this file
// when print.go arrives.

func (*Text) String() string  { return "text" }
func (*Field) String() string { return "field" }
func (*And) String() string   { return "and" }
func (*Or) String() string    { return "or" }
func (*Not) String() string   { return "not" }
