# nginx-site.awk — turns the filled-in conf/nginx.conf.in (a whole nginx.conf for an nginx of
# NalamDesk's own, as `make run` uses it) into a site for Debian's nginx, included inside its
# http { } block from /etc/nginx/sites-enabled/. One template, so the installed server answers
# exactly as the tested one does.
#
#   awk -v access_log=/var/log/nginx/nalamdesk-access.log \
#       -v error_log=/var/log/nginx/nalamdesk-error.log -f nginx-site.awk filled.conf
#
# What it does with the template's statements (comments travel with the statement below them):
#   - everything before `http {` (worker_processes, pid, events, ...) is dropped: Debian's
#     nginx.conf owns those;
#   - at http level, the http-only statements (upstream, log_format, limit_req_zone, map, geo)
#     stay at the top of the site;
#   - *_temp_path and error_log are dropped (Debian's defaults are www-data's own);
#   - access_log keeps its format and options, with the path given as access_log;
#   - every other http-level statement (types, timeouts, server_tokens, sendfile, ...) is moved
#     into each server { } block, where it overrides Debian's http-level value instead of
#     clashing with it ("directive is duplicate");
#   - server { } blocks follow, each with those statements and `error_log` added at its top.
# Braces and semicolons inside quotes and comments are not counted.

function flush_stmt(   word, kind, rest) {
	word = stmt_word
	if (word == "upstream" || word == "log_format" || word == "limit_req_zone" ||
	    word == "map" || word == "geo" || word == "limit_conn_zone" || word == "split_clients")
		top = top stmt
	else if (word ~ /_temp_path$/ || word == "error_log")
		;
	else if (word == "server")
		servers[nservers++] = stmt
	else if (word == "access_log") {
		rest = stmt
		sub(/access_log[ \t]+[^ \t;]+/, "access_log " access_log, rest)
		moved = moved rest
	} else
		moved = moved stmt
	stmt = ""
	stmt_word = ""
}

BEGIN {
	inhttp = 0; depth = 0; stmt = ""; stmt_word = ""; top = ""; moved = ""; nservers = 0
}

{
	line = $0
	if (inhttp == 0) {
		if (line ~ /^[ \t]*http[ \t]*\{/)
			inhttp = 1
		next
	}
	if (inhttp == 2)
		next
	# http level, between statements: comments and blank lines wait for their statement.
	if (depth == 0 && stmt_word == "") {
		if (line ~ /^[ \t]*(#.*)?$/) {
			stmt = stmt line "\n"
			next
		}
		if (line ~ /^[ \t]*\}/) {	# the end of http { }
			inhttp = 2
			next
		}
		w = line
		sub(/^[ \t]+/, "", w)
		sub(/[ \t{;].*$/, "", w)
		stmt_word = w
	}
	stmt = stmt line "\n"
	# Scan the line for braces and the end of a simple statement.
	q = ""; ended = 0
	n = length(line)
	for (i = 1; i <= n; i++) {
		c = substr(line, i, 1)
		if (q != "") {
			if (c == "\\") { i++; continue }
			if (c == q) q = ""
			continue
		}
		if (c == "'" || c == "\"") { q = c; continue }
		if (c == "#") break
		if (c == "{") depth++
		else if (c == "}") { depth--; if (depth == 0) ended = 1 }
		else if (c == ";" && depth == 0) ended = 1
	}
	if (ended && depth == 0)
		flush_stmt()
}

END {
	if (inhttp == 0) {
		print "nginx-site.awk: no http { } block in the template" > "/dev/stderr"
		exit 1
	}
	if (nservers == 0) {
		print "nginx-site.awk: no server { } block in the template" > "/dev/stderr"
		exit 1
	}
	printf "%s", top
	inject = "\n        # ---- moved here from the template's http { } level (nginx-site.awk)\n"
	inject = inject "        error_log " error_log " warn;\n"
	m = moved
	gsub(/\n/, "\n    ", m)
	inject = inject "    " m "\n"
	for (s = 0; s < nservers; s++) {
		body = servers[s]
		# After the first line that opens the server block.
		p = index(body, "{")
		nl = index(substr(body, p), "\n")
		printf "%s%s%s", substr(body, 1, p + nl - 1), inject, substr(body, p + nl)
	}
}
