// Every operation through its typed method against threecx-sim, each
// answer decoded into the typed result strictly (an answer field the model
// lacks is an error). The table is generated (typed_operations_test.go);
// arguments follow tests/sim_spec/sim_spec_test.c: keys of existing
// entities from the set's first entity, schema-shaped bodies whose values
// named like the entity's properties take the entity's values.
package threecx

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

type typedCase struct {
	id, method, path, set string
	kind                  int // THREECX_RESPONSE_*
	paged                 bool
	body                  string // schema-shaped JSON body ("" none)
	call                  func(ctx context.Context, cl *Client, a *opArgs) (interface{}, error)
}

// opArgs gives a case its arguments.
type opArgs struct {
	entity map[string]interface{}
	body   func(v interface{}) error
	// existing DN, group and playlist for the parameters that must name one
	// (dnNumber, groupNumber, playlistKey: the PBX answers 404 otherwise)
	refs map[string]string
}

func (a *opArgs) str(name string, k int, enum ...string) string {
	switch v := a.entity[name].(type) {
	case string:
		return v
	case float64:
		return fmt.Sprintf("%.0f", v)
	}
	if v, ok := a.refs[strings.ToLower(name)]; ok {
		return v
	}
	if len(enum) > 0 {
		return enum[k%len(enum)]
	}
	if k%2 == 1 {
		return "O'Brien"
	}
	return "a/b c"
}

func (a *opArgs) nstr(name string, k int, enum ...string) *string {
	if _, known := a.entity[name]; !known && len(enum) == 0 && k%3 == 0 {
		return nil
	}
	s := a.str(name, k, enum...)
	return &s
}

func (a *opArgs) int32(name string) int32 {
	if v, ok := a.entity[name].(float64); ok {
		return int32(v)
	}
	return 1
}

func (a *opArgs) boolean(string) bool { return true }

func (a *opArgs) guid(name string) string {
	if v, ok := a.entity[name].(string); ok {
		return v
	}
	return "0f8fad5b-d9cb-469f-a165-70867728950e"
}

func (a *opArgs) time(k int) time.Time {
	if k%2 == 1 {
		return time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("", 2*3600))
	}
	return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
}

func (a *opArgs) query(paged bool) *Query {
	if !paged {
		return nil
	}
	return NewQuery().Top(2).Count(true)
}

func TestTypedOperations(t *testing.T) {
	check := checker(t)
	s := startSim(t, "test:k3y-go")
	cl := s.client(t, "test", "k3y-go")
	ctx := context.Background()
	strictDecode = true
	defer func() { strictDecode = false }()
	check(len(typedCases) == TypedOperationMethods && TypedOperationMethods == 601, "601 cases", len(typedCases))

	decoded := map[int]int{}
	dnSeq := 0 // unique DN numbers for the creates
	refs := map[string]string{}
	for _, r := range []struct{ set, prop, param string }{
		{"Users", "Number", "dnnumber"}, {"Groups", "Number", "groupnumber"}, {"Playlists", "Name", "playlistkey"},
	} {
		var list struct {
			Value []map[string]interface{} `json:"value"`
		}
		if body, err := cl.Get(ctx, "/"+r.set, NewQuery().Top(1)); err == nil && json.Unmarshal([]byte(body), &list) == nil &&
			len(list.Value) > 0 {
			if v, ok := list.Value[0][r.prop].(string); ok {
				refs[r.param] = v
			}
		}
	}
	for _, tc := range typedCases {
		a := &opArgs{refs: refs}
		if tc.set != "" {
			var list struct {
				Value []map[string]interface{} `json:"value"`
			}
			if body, err := cl.Get(ctx, "/"+tc.set, nil); err == nil && json.Unmarshal([]byte(body), &list) == nil &&
				len(list.Value) > 0 {
				a.entity = list.Value[0]
			}
		}
		a.body = func(v interface{}) error {
			var m interface{}
			if err := json.Unmarshal([]byte(tc.body), &m); err != nil {
				return err
			}
			if o, ok := m.(map[string]interface{}); ok {
				if a.entity != nil && strings.Contains(tc.path, "/Pbx.") {
					// set-bound actions address existing data
					for k, bv := range o {
						for ek, ev := range a.entity {
							if strings.EqualFold(k, ek) && reflect.TypeOf(ev) == reflect.TypeOf(bv) {
								o[k] = ev
							}
						}
					}
				}
				if tc.method == "PATCH" { // updates keep the key
					for _, slot := range pathSlots(tc.path) {
						delete(o, slot)
					}
					// a DN's number cannot change (the PBX, and the simulator,
					// answer 400 NOT_SUPPORTED): the sample body's is left out
					delete(o, "Number")
				}
				if _, has := o["Number"]; has && tc.method == "POST" {
					// DN numbers are unique across every kind of DN: one per create
					dnSeq++
					o["Number"] = fmt.Sprintf("97%03d", dnSeq)
				}
			}
			b, _ := json.Marshal(m)
			// the typed body: decoded strictly, so the model has every property
			return strictUnmarshal(b, v)
		}
		res, err := tc.call(ctx, cl, a)
		ok := err == nil
		switch {
		case !ok:
		case tc.kind == 0:
			ok = res == nil
		case tc.kind == 4:
			ok = res.(int64) > 0
		case tc.kind == 1:
			rv := reflect.ValueOf(res)
			ok = !rv.IsNil()
			if ok && tc.paged {
				items := rv.Elem().FieldByName("Value").Len()
				ok = items <= 2 && !rv.Elem().FieldByName("Count").IsNil()
			}
		case tc.kind == 2:
			ok = !reflect.ValueOf(res).IsNil()
		}
		check(ok, tc.id+" ("+tc.method+" "+tc.path+") decodes into its typed result", res, err)
		if ok {
			decoded[tc.kind]++
		}
	}
	total := 0
	for _, n := range decoded {
		total += n
	}
	fmt.Printf("typed operations: %d of %d answered and decoded into their typed results "+
		"(%d entities, %d collections, %d values, %d files streamed, %d without content)\n",
		total, len(typedCases), decoded[2], decoded[1], decoded[3], decoded[4], decoded[0])
}

func pathSlots(path string) []string {
	var out []string
	for {
		i := strings.IndexByte(path, '{')
		j := strings.IndexByte(path, '}')
		if i < 0 || j < i {
			return out
		}
		out = append(out, path[i+1:j])
		path = path[j+1:]
	}
}
