package query

import (
	"strconv"
	"strings"
)

// FieldSpec is one field of the language: the name String prints, the
// other names Parse accepts for it, and the FieldName it compares.
type FieldSpec struct {
	// Name is the canonical name ("tag").
	Name string
	// Aliases are the other names of the field ("app", "program").
	Aliases []string
	// Field is what a Field of this name compares; 0 for message:, which
	// makes a Text of Scope MessageOnly rather than a Field.
	Field FieldName
}

// Fields lists the fields of the language, one entry per field, in the
// order help shows them. The SD entry is written sd.ID.PARAM:value; its
// Name "sd" alone is not a field.
var Fields = []FieldSpec{
	{Name: "host", Field: Host},
	{Name: "tag", Aliases: []string{"app", "program"}, Field: Tag},
	{Name: "pid", Field: PID},
	{Name: "msgid", Field: MsgID},
	{Name: "ip", Field: IP},
	{Name: "facility", Field: Facility},
	{Name: "severity", Aliases: []string{"level"}, Field: Severity},
	{Name: "message", Aliases: []string{"msg"}},
	{Name: "sd", Field: SD},
}

// String returns the canonical name of f ("host", "tag", "sd").
func (f FieldName) String() string {
	for _, s := range Fields {
		if s.Field == f && f != 0 {
			return s.Name
		}
	}
	return "FieldName(" + strconv.Itoa(int(f)) + ")"
}

// lookupField returns the spec named name (case-insensitively), leaving out
// sd, which is only ever written sd.ID.PARAM.
func lookupField(name string) (*FieldSpec, bool) {
	name = strings.ToLower(name)
	for i := range Fields {
		s := &Fields[i]
		if s.Field == SD {
			continue
		}
		if s.Name == name {
			return s, true
		}
		for _, a := range s.Aliases {
			if a == name {
				return s, true
			}
		}
	}
	return nil, false
}

// isSDName reports whether name starts with "sd." (in any case).
func isSDName(name string) bool {
	return len(name) >= 3 && strings.EqualFold(name[:3], "sd.")
}

// isFieldName reports whether name, the part of a word before its first
// colon, makes the word a field.
func isFieldName(name string) bool {
	_, ok := lookupField(name)
	return ok || isSDName(name)
}

// fieldsHint lists the fields: "fields are host, tag (app, program), …".
func fieldsHint() string {
	var b strings.Builder
	b.WriteString("fields are ")
	for i, s := range Fields {
		if i > 0 {
			b.WriteString(", ")
		}
		if s.Field == SD {
			b.WriteString("sd.ID.PARAM")
			continue
		}
		b.WriteString(s.Name)
		if len(s.Aliases) > 0 {
			b.WriteString(" (" + strings.Join(s.Aliases, ", ") + ")")
		}
	}
	return b.String()
}
