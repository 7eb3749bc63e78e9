# SPDX-License-Identifier: GPL-2.0
#
# gen_abi_dump.awk - write abi_dump.c for one uapi header (POSIX awk).
#
# Input files, in this order:
#   1. the header itself, only to find its include guard and to count its
#      #define lines (a cross-check that nothing was lost on the way);
#   2. the same header run through "cc -E -dD", which has comments removed,
#      lines joined and every #define kept in place.  Line markers tell which
#      lines came from the header (variable hdr) and not from its includes.
#
# Every definition found becomes one ABI_*() call (see abi_dump.h):
#   object-like macros  ABI_INT (integer), ABI_STR (string), ABI_EMPTY (empty)
#   function-like       ABI_FN1 (one parameter, evaluated) or ABI_FN (existence)
#   enumerators         ABI_ENUMERATOR
#   struct/union/enum   ABI_AGG (tags and typedefs)
#   members             ABI_MEMBER / ABI_FLEX / ABI_MEMBER_NOTYPE, members of
#                       anonymous structs and unions included
# Bitfields cannot be offsetof()'d and are only covered by the size of their
# struct.  Anything the parser does not understand stops the build.

function die(msg) {
	printf("gen_abi_dump: %s: %s\n", hdr, msg) > "/dev/stderr"
	failed = 1
	exit 1
}

function emit(line) { out[nout++] = line }

# ---- pass 1: the raw header ----------------------------------------------

FNR == NR {
	line = $0
	# drop comments, which may span lines
	while (line != "") {
		if (incomment) {
			p = index(line, "*/")
			if (!p) { line = ""; break }
			line = substr(line, p + 2); incomment = 0
		} else {
			p = index(line, "/*")
			if (!p) break
			rest = substr(line, p + 2)
			line = substr(line, 1, p - 1) " "
			q = index(rest, "*/")
			if (q) line = line substr(rest, q + 2)
			else incomment = 1
		}
	}
	if (line ~ /^[ \t]*#[ \t]*define[ \t]/)
		raw_defines++
	if (guard == "" && line ~ /^[ \t]*#[ \t]*ifndef[ \t]/) {
		sub(/^[ \t]*#[ \t]*ifndef[ \t]+/, "", line)
		sub(/[ \t].*/, "", line)
		guard = line
	}
	next
}

# ---- pass 2: preprocessed text -------------------------------------------

/^# [0-9]+ "/ {
	f = $3
	gsub(/"/, "", f)
	inhdr = (f == hdr)
	next
}
!inhdr { next }

/^#define / { macro(substr($0, 9)); next }
/^#undef / { undef_macro($2); next }
/^#/ { next }				# pragmas and such: layout is checked anyway

{ tokenize($0) }

function macro(def,    name, rest, params) {
	if (!match(def, /^[A-Za-z_][A-Za-z_0-9]*/))
		die("cannot parse #define " def)
	name = substr(def, 1, RLENGTH)
	rest = substr(def, RLENGTH + 1)
	pp_defines++
	if (name == guard)
		return
	if (substr(rest, 1, 1) == "(") {
		params = substr(rest, 2)
		sub(/\).*/, "", params)
		gsub(/[ \t]/, "", params)
		if (params != "" && params !~ /,/ && params !~ /\.\.\./)
			add_macro(name, "ABI_FN1(" name ");")
		else
			add_macro(name, "ABI_FN(" name ");")
		return
	}
	sub(/^[ \t]+/, "", rest)
	sub(/[ \t]+$/, "", rest)
	if (rest == "")
		add_macro(name, "ABI_EMPTY(" name ");")
	else if (rest ~ /^"/)
		add_macro(name, "ABI_STR(" name ");")
	else
		add_macro(name, "ABI_INT(" name ");")
}

function add_macro(name, call) {
	macro_at[name] = nout
	emit(call)
}

function undef_macro(name) {
	if (name in macro_at)
		out[macro_at[name]] = "/* " name " is #undef'd again */"
}

# ---- tokenizer -----------------------------------------------------------

function tokenize(s,    t) {
	while (s != "") {
		if (match(s, /^[ \t]+/)) {
			s = substr(s, RLENGTH + 1); continue
		}
		if (match(s, /^[A-Za-z_0-9]+/) ||
		    match(s, /^"([^"\\]|\\.)*"/) ||
		    match(s, /^'([^'\\]|\\.)*'/) ||
		    match(s, /^\.\.\./))
			t = substr(s, 1, RLENGTH)
		else
			t = substr(s, 1, 1)
		s = substr(s, length(t) + 1)
		token(t)
	}
}

# ---- declaration parser --------------------------------------------------
#
# One scope per open brace: kind[d] is top/struct/union/enum, tag[d] the
# nameable type ("struct foo") or "" when anonymous.  Tokens of the current
# declaration collect in tk[d, 0..nt[d]-1].  Members collect per scope in
# mpath/mkind/mtype[d, i]; those of an anonymous scope are parked under an
# "@ANONn" token and spliced into the enclosing scope at its ';'.

BEGIN { kind[0] = "top"; depth = 0; paren = 0 }

function push_tok(t) { tk[depth, nt[depth]++] = t }

function token(t,    d, k, kw, tg) {
	d = depth
	if (t == "(" || t == "[") paren++
	if (t == ")" || t == "]") paren--
	if (paren > 0 || (t != "{" && t != "}" && t != ";" && t != ",")) {
		push_tok(t)
		return
	}
	if (t == "{") {
		kw = -1
		for (k = nt[d] - 1; k >= 0; k--)
			if (tk[d, k] ~ /^(struct|union|enum)$/) { kw = k; break }
		if (kw < 0)
			die("unexpected '{' after: " decl_text(d))
		tg = ""
		if (kw + 1 < nt[d] && tk[d, kw + 1] ~ /^[A-Za-z_]/)
			tg = tk[d, kw] " " tk[d, kw + 1]
		depth++
		kind[depth] = tk[d, kw]; tag[depth] = tg
		nt[depth] = 0; nm[depth] = 0
		return
	}
	if (t == "}") {
		if (d == 0)
			die("unbalanced '}'")
		if (kind[d] == "enum")
			enumerator(d)
		close_scope(d)
		return
	}
	if (t == ",") {
		if (kind[d] == "enum")
			enumerator(d)
		else
			push_tok(t)
		return
	}
	# t == ";"
	strip_attributes(d)
	if (kind[d] == "top")
		top_decl(d)
	else if (kind[d] == "enum")
		die("';' inside enum")
	else
		member_decl(d)
	nt[d] = 0
}

function enumerator(d) {
	strip_attributes(d)
	if (nt[d] > 0)
		emit("ABI_ENUMERATOR(" tk[d, 0] ");")
	nt[d] = 0
}

function close_scope(d,    i, id, p) {
	depth--
	p = depth
	if (tag[d] != "") {
		emit("ABI_AGG(" tag[d] ");")
		for (i = 0; i < nm[d]; i++)
			emit_member(tag[d], mpath[d, i], mkind[d, i], mtype[d, i])
		return
	}
	# anonymous: park the members, leave a placeholder in the parent
	id = "@ANON" (++nanon)
	parked_n[id] = nm[d]
	for (i = 0; i < nm[d]; i++) {
		parked_path[id, i] = mpath[d, i]
		parked_kind[id, i] = mkind[d, i]
		parked_type[id, i] = mtype[d, i]
	}
	tk[p, nt[p]++] = id
}

function emit_member(t, path, k, type) {
	if (k == "plain")
		emit("ABI_MEMBER(" t ", " path ", " type ");")
	else if (k == "flex")
		emit("ABI_FLEX(" t ", " path ", " type ");")
	else if (k == "notype")
		emit("ABI_MEMBER_NOTYPE(" t ", " path ");")
	else
		emit("/* " t "." path ": bitfield, covered by sizeof only */")
}

function decl_text(d,    i, s) {
	s = ""
	for (i = 0; i < nt[d]; i++)
		s = s (i ? " " : "") tk[d, i]
	return s
}

# Drop __attribute__((...)) groups; layout effects are measured anyway.
function strip_attributes(d,    i, j, n, lvl) {
	n = 0
	for (i = 0; i < nt[d]; i++) {
		if (tk[d, i] == "__attribute__" || tk[d, i] == "__attribute") {
			lvl = 0
			for (j = i + 1; j < nt[d]; j++) {
				if (tk[d, j] == "(") lvl++
				if (tk[d, j] == ")" && --lvl == 0) break
			}
			i = j
			continue
		}
		tk[d, n++] = tk[d, i]
	}
	nt[d] = n
}

function top_decl(d,    i) {
	if (nt[d] == 0)
		return
	if (tk[d, 0] == "typedef") {
		if (tk[d, nt[d] - 1] !~ /^[A-Za-z_]/)
			die("unsupported typedef: " decl_text(d))
		emit("ABI_AGG(" tk[d, nt[d] - 1] ");")
		return
	}
	# only "struct foo", "enum", "@ANONn" and the like: nothing declared
	for (i = 0; i < nt[d]; i++)
		if (tk[d, i] !~ /^(struct|union|enum|@ANON[0-9]+)$/ &&
		    !(i > 0 && tk[d, i - 1] ~ /^(struct|union|enum)$/))
			die("unsupported top-level declaration: " decl_text(d))
}

function add_member(d, path, k, type) {
	mpath[d, nm[d]] = path; mkind[d, nm[d]] = k; mtype[d, nm[d]] = type
	nm[d]++
}

# A member declaration: base type, then declarators separated by commas.
function member_decl(d,    i, lvl, base, nb, anon, g, dstart) {
	# base type: tokens up to the first '*' or the first declarator name
	nb = 0; anon = ""
	for (i = 0; i < nt[d]; i++) {
		if (tk[d, i] ~ /^@ANON/) anon = tk[d, i]
		if (tk[d, i] == "*" || tk[d, i] == "," || tk[d, i] == ":" ||
		    tk[d, i] == "[" || tk[d, i] == "(")
			break
		if (tk[d, i] ~ /^[A-Za-z_]/ && is_declarator_name(d, i))
			break
		base[nb++] = tk[d, i]
	}
	if (i == nt[d]) {
		# no declarator: an anonymous struct/union member, or junk
		if (anon == "")
			die("member without a name: " decl_text(d))
		splice(d, anon, "")
		return
	}
	# each comma separated declarator
	dstart = i; lvl = 0
	for (; i <= nt[d]; i++) {
		if (i < nt[d]) {
			if (tk[d, i] == "(" || tk[d, i] == "[") lvl++
			if (tk[d, i] == ")" || tk[d, i] == "]") lvl--
			if (!(tk[d, i] == "," && lvl == 0))
				continue
		}
		declarator(d, base, nb, anon, dstart, i)
		dstart = i + 1
	}
}

# Is token i the name being declared (rather than part of the type)?
function is_declarator_name(d, i,    nx) {
	if (tk[d, i] ~ /^(const|volatile|signed|unsigned|short|long|int|char)$/)
		return 0
	if (i > 0 && tk[d, i - 1] ~ /^(struct|union|enum)$/)
		return 0
	nx = (i + 1 < nt[d]) ? tk[d, i + 1] : ";"
	return nx == ";" || nx == "," || nx == "[" || nx == ":"
}

function declarator(d, base, nb, anon, from, to,    i, name, at, k, type, s, tail) {
	name = ""
	for (i = from; i < to; i++) {
		if (tk[d, i] == "(")
			die("function pointer members are not supported: " decl_text(d))
		if (tk[d, i] == ":") { k = "bitfield"; break }
		if (tk[d, i] ~ /^[A-Za-z_]/ && name == "" &&
		    tk[d, i] !~ /^(const|volatile)$/) {
			name = tk[d, i]; at = i
		}
	}
	if (name == "")
		die("cannot find the member name in: " decl_text(d))
	if (k == "bitfield") {
		add_member(d, name, k, "")
		return
	}
	k = "plain"
	if (at + 1 < to && tk[d, at + 1] == "[")
		k = (at + 2 < to && tk[d, at + 2] == "]") ? "flex" : "plain"
	if (anon != "") {
		add_member(d, name, "notype", "")
		tail = (at + 1 < to && tk[d, at + 1] == "[") ? "[0]." : "."
		splice(d, anon, name tail)
		return
	}
	# "pointer to declared type": the name replaced by (*)
	type = ""
	for (i = 0; i < nb; i++)
		type = type base[i] " "
	for (i = from; i < to; i++) {
		s = (i == at) ? "(*)" : tk[d, i]
		type = type s (s ~ /^[A-Za-z_0-9]/ || s == "*" ? " " : "")
	}
	sub(/ +$/, "", type)
	add_member(d, name, k, type)
}

function splice(d, id, prefix,    i) {
	for (i = 0; i < parked_n[id]; i++)
		add_member(d, prefix parked_path[id, i], parked_kind[id, i],
			   parked_type[id, i])
}

# ---- output --------------------------------------------------------------

END {
	if (failed)
		exit 1
	if (depth != 0)
		die("unterminated '{' at end of header")
	if (guard == "" || raw_defines == 0)
		die("no include guard or no #define found")
	if (pp_defines != raw_defines)
		die(sprintf("%d #define lines in the header but %d seen by the preprocessor",
			    raw_defines, pp_defines))
	print "/* Generated by gen_abi_dump.sh from " hdr ". Do not edit. */"
	print "#include \"" hdr "\""
	print "#include \"abi_dump.h\""
	print ""
	print "#ifdef _UAPI_VFIO_H"
	print "#error \"abi_dump must be built against the reference header, not ours\""
	print "#endif"
	print ""
	print "int main(void)"
	print "{"
	print "\tprintf(\"/* Generated by abi_dump from " hdr ". Do not edit. */\\n\");"
	for (i = 0; i < nout; i++)
		print "\t" out[i]
	print "\treturn abi_finish(\"" hdr "\");"
	print "}"
}
