// Parley open-API request signing in Go (standard library only).
//
//	Sign(params, appSecret) -> uppercase hex MD5
//
// Run `go run sign.go path/to/signature-vectors.json` to check it against the shared vectors.
package main

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
)

// canonicalJSON: sorted keys, no whitespace, no HTML escaping (RFC 8785 for request values).
func canonicalJSON(value any) string {
	var buf bytes.Buffer
	encoder := json.NewEncoder(&buf)
	encoder.SetEscapeHTML(false)
	if err := encoder.Encode(value); err != nil {
		panic(err)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

func valueToString(value any) (string, bool) {
	switch v := value.(type) {
	case nil:
		return "", false
	case string:
		return v, v != ""
	case bool:
		return strconv.FormatBool(v), true
	case float64:
		return canonicalJSON(v), true
	case int:
		return strconv.Itoa(v), true
	default:
		return canonicalJSON(v), true
	}
}

// phpURLEncode: space -> '+', everything but [A-Za-z0-9_.-] -> %XX (Go also spares '~').
func phpURLEncode(text string) string {
	return strings.ReplaceAll(url.QueryEscape(text), "~", "%7E")
}

func StringToSign(params map[string]any, appSecret string) string {
	keys := make([]string, 0, len(params))
	for key := range params {
		keys = append(keys, key)
	}
	sort.Strings(keys) // byte order
	pairs := []string{}
	for _, key := range keys {
		if key == "sign" {
			continue
		}
		if text, ok := valueToString(params[key]); ok {
			pairs = append(pairs, key+"="+phpURLEncode(text))
		}
	}
	pairs = append(pairs, "app_key="+appSecret)
	return strings.Join(pairs, "&")
}

func Sign(params map[string]any, appSecret string) string {
	sum := md5.Sum([]byte(StringToSign(params, appSecret)))
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

func main() {
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	var vectors struct {
		Secret string `json:"secret"`
		Cases  []struct {
			Name         string         `json:"name"`
			Params       map[string]any `json:"params"`
			StringToSign string         `json:"string_to_sign"`
			Sign         string         `json:"sign"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(raw, &vectors); err != nil {
		panic(err)
	}
	for _, c := range vectors.Cases {
		got := StringToSign(c.Params, vectors.Secret)
		if got != c.StringToSign || Sign(c.Params, vectors.Secret) != c.Sign {
			fmt.Fprintf(os.Stderr, "mismatch in %q:\n  got  %s\n  want %s\n", c.Name, got, c.StringToSign)
			os.Exit(1)
		}
	}
	fmt.Printf("ok %d\n", len(vectors.Cases))
}
