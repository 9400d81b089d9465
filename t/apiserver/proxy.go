package main

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The APIServer's proxy to the profilers of other components:
//
//	/api/v1/nodes/NAME/proxy/debug/pprof/...              a kubelet
//	/api/v1/namespaces/NS/pods/NAME[:PORT]/proxy/debug/pprof/...   a pod
//
// (the pod part may also be https:NAME:PORT). Each target is served by
// this process's own runtime, as if it were that component: the real
// net/http/pprof handlers, except that a CPU profile ("profile") waits
// seconds= and then answers the real CPU profile captured at startup, so
// that two targets can be CPU-profiled at the same time as two processes
// can (one Go runtime runs one CPU profile at a time). A node or pod
// named "forbidden" gets the 403 of a ServiceAccount without the
// nodes/proxy (pods/proxy) rule.

var (
	dns1123Subdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)
	dns1123Label     = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
)

func validSubdomain(s string) bool { return len(s) <= 253 && dns1123Subdomain.MatchString(s) }
func validLabel(s string) bool     { return len(s) <= 63 && dns1123Label.MatchString(s) }

func validPort(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 1 && n <= 65535 && strconv.Itoa(n) == s
}

// proxyTarget splits a proxy path into the target's kind ("node", "pod")
// and the path at the target; ok false when path is not a valid proxy path.
func proxyTarget(path string) (kind, inner string, ok bool) {
	if strings.HasPrefix(path, "/api/v1/nodes/") {
		name, sub, _ := strings.Cut(strings.TrimPrefix(path, "/api/v1/nodes/"), "/")
		if !strings.HasPrefix(sub, "proxy/") || !validSubdomain(name) {
			return "", "", false
		}
		return "node", strings.TrimPrefix(sub, "proxy"), true
	}
	if !strings.HasPrefix(path, "/api/v1/namespaces/") {
		return "", "", false
	}
	parts := strings.SplitN(strings.TrimPrefix(path, "/api/v1/namespaces/"), "/", 5) // NS pods POD proxy INNER
	if len(parts) < 5 || parts[1] != "pods" || parts[3] != "proxy" || !validLabel(parts[0]) {
		return "", "", false
	}
	pod := strings.Split(parts[2], ":")
	if len(pod) == 3 && pod[0] == "https" {
		pod = pod[1:]
	}
	if len(pod) > 2 || !validSubdomain(pod[0]) || (len(pod) == 2 && !validPort(pod[1])) {
		return "", "", false
	}
	return "pod", "/" + parts[4], true
}

// proxy serves a path under /api/v1/ that names a proxied component.
func (s *apiserver) proxy(w http.ResponseWriter, r *http.Request, path string) bool {
	kind, inner, ok := proxyTarget(path)
	if !ok {
		return false
	}
	// RBAC without nodes/proxy or pods/proxy, as the APIServer words it
	if strings.Contains(path, "/forbidden/") || strings.Contains(path, "/pods/forbidden") {
		writeStatus(w, http.StatusForbidden,
			fmt.Sprintf("%ss %q is forbidden: User %q cannot get resource \"%ss/proxy\" in API group \"\"", kind, "forbidden", saUser, kind),
			"Forbidden", true)
		return true
	}
	if !strings.HasPrefix(inner, "/debug/pprof") {
		writeStatus(w, http.StatusNotFound, "the server could not find the requested resource", "NotFound", true)
		return true
	}
	w.Header().Set("X-Fake-Proxy", kind)
	if profileName(inner) == "profile" && len(s.cpuProfile) > 0 {
		d, _ := waitParam(r, 30*time.Second)
		if !sleepCtx(r.Context(), d) {
			return true
		}
		profileHeaders(w.Header(), "profile")
		w.Header().Set("Content-Length", strconv.Itoa(len(s.cpuProfile)))
		w.Write(s.cpuProfile)
		return true
	}
	s.route(w, r, inner)
	return true
}
