#!/usr/bin/env bats
# 0110-man-examples: the EXAMPLES of the man pages run as written and print
# what they show, as jq tests the examples of its manual.
#
# A page opts in with the comment line `.\" examples: run` just after its
# `.Sh EXAMPLES`. Its `.Bd -literal` blocks that read as a shell transcript
# (the first line starts with `$`) run in page order in one bash, in a fresh
# empty folder, with HOME that folder, CRM_DB=crm.db (not made yet),
# CRM_NOW=2026-11-26T10:00:00Z, CRM_USER=admin, TZ=UTC, CRM_DATADIR the
# tree's share/crm, CRM_SRCDIR the tree (for t/fixtures) and the built bin/
# first on PATH; standard input is /dev/null.
# Other literal blocks (crontab lines, config files) are not run.
#
# In a transcript:
# - `$ ` starts a command; a line ending in `\e` (a backslash) or in `|`
#   goes on with the next line. A `$` alone ends the previous command's
#   output: it printed nothing.
# - The lines after a command up to the next `$` are what it prints, after
#   the mdoc escapes are undone (`\e` is `\`, `\&` nothing, `\(em` a dash...).
#   Whitespace at the end of a line is not compared (mandoc -Tlint refuses
#   it in a page, so a TSV record's empty last fields cannot be shown).
#   A line `...` (written `\&...`) stands for any run of lines. A command
#   shown without output is not checked (but see the exit status below).
# - Lines that start with a command's name and a colon (`crm-lead: ...`)
#   are what it says on stderr: where a transcript shows any, stderr must be
#   exactly those lines, in that order; where it shows none, stderr is not
#   looked at. The other lines must be its stdout exactly.
# - A command that exits other than 0 fails the page unless the next
#   command is `echo $?` (which then shows the status).
#
# Comments before a block's `.Bd` say how to run it:
#   .\" example: not run: REASON      the block is skipped (a real mail
#                                     server, the PBX's own log folder...)
#   .\" example: setup: COMMAND       run first, silently, in the same shell
#                                     (a file the block reads, the clock);
#                                     it must exit 0.
#   .\" example: folder: PATH         (anywhere in EXAMPLES) the work folder
#                                     stands for PATH: where a command prints
#                                     the work folder's absolute name, the
#                                     page shows PATH (a PBX's log folder).
# The first difference is reported with the page's line and a diff. With
# MAN_EXAMPLES_SHOW=1 in the environment, every command's output and status
# is printed instead (to write or correct a page).

load helpers

bats_require_minimum_version 1.5.0

setup() {
	unset CRM_DB CRM_NOW CRM_USER XDG_DATA_HOME XDG_CONFIG_HOME XDG_STATE_HOME
	: "${CRM_DATADIR:=$CRM_SRCDIR/share/crm}"
	export CRM_DATADIR CRM_SRCDIR
}

# man_examples PAGE...: run the EXAMPLES of each page; print what differs.
man_examples() {
	python3 - "$BATS_TEST_TMPDIR" "$@" <<'PY'
import difflib, os, re, subprocess, sys, tempfile

ESCAPES = {'e': '\\', '&': '', '-': '-', ' ': ' ', '|': '', '^': '',
           '(em': '\u2014', '(en': '\u2013', '(->': '\u2192', '(<-': '\u2190',
           '(aq': "'", '(dq': '"', '(lq': '\u201c', '(rq': '\u201d',
           '(Fo': '\u00ab', '(Fc': '\u00bb', '(ti': '~', '(ha': '^',
           '(ba': '|', '(bu': '\u2022', '(mu': '\u00d7'}

def decode(s):
    def one(m):
        k = m.group(1)
        if k not in ESCAPES:
            raise ValueError('unknown escape \\' + k)
        return ESCAPES[k]
    return re.sub(r'\\(\(..|.)', one, s)

def parse(path):
    """The page's runnable items: (kind, line, text, expected) in order."""
    lines = open(path, encoding='utf-8').read().split('\n')
    try:
        start = lines.index('.Sh EXAMPLES')
    except ValueError:
        return None
    if start + 1 >= len(lines) or lines[start + 1] != '.\\" examples: run':
        return None
    items, setup, skip, i = [], [], None, start + 2
    folder = None
    while i < len(lines) and not lines[i].startswith('.Sh '):
        raw, no = lines[i], i + 1
        m = re.match(r'\.\\" example: (setup|not run|folder): (.+)', raw)
        if m and m.group(1) == 'folder':
            folder = m.group(2)
        elif m and m.group(1) == 'setup':
            setup.append(('setup', no, m.group(2), None))
        elif m:
            skip = m.group(2)
        elif raw.startswith('.\\" example'):
            raise ValueError('%s:%d: not an example comment: %s' % (path, no, raw))
        elif raw.startswith('.Bd -literal'):
            j = i + 1
            while lines[j] != '.Ed':
                j += 1
            block = [(k + 1, lines[k]) for k in range(i + 1, j)]
            shell = bool(block) and block[0][1].startswith('$')
            if (setup or skip) and not shell:
                raise ValueError('%s:%d: setup or not run before a block that is no transcript' % (path, no))
            if shell and skip is None:
                items += setup + transcript(block)
            setup, skip, i = [], None, j
        i += 1
    return items, folder

def transcript(block):
    items, cont = [], False
    for no, raw in block:
        text = decode(raw)
        if cont:
            items[-1][2] += '\n' + text
        elif text == '$' or text.startswith('$ '):
            if items and items[-1][3] is None and text == '$':
                items[-1][3] = []
            if text != '$':
                items.append(['cmd', no, text[2:], None])
        else:
            if items[-1][3] is None:
                items[-1][3] = []
            items[-1][3].append((no, text.rstrip()))
            continue
        cont = text != '$' and (raw.endswith('\\e') or text.endswith('|'))
    return [tuple(x) for x in items]

def match(exp, got):
    """Do the lines got fit the pattern exp (where '...' is any run)?"""
    if not exp:
        return not got
    if exp[0] == '...':
        return any(match(exp[1:], got[k:]) for k in range(len(got) + 1))
    return bool(got) and got[0] == exp[0] and match(exp[1:], got[1:])

def first_diff(exp, got):
    """The index in exp of the first line that does not fit, or None."""
    for k, e in enumerate(exp):
        if e == '...':
            break
        if k >= len(got) or got[k] != e:
            return k
    for k in range(1, len(exp) + 1):
        e = exp[-k]
        if e == '...':
            break
        if k > len(got) or got[-k] != e:
            return len(exp) - k
    return None

def lines_of(path, work, folder):
    text = open(path, encoding='utf-8', errors='replace').read()
    if folder:
        text = text.replace(os.path.realpath(work), folder).replace(work, folder)
    return [l.rstrip() for l in text.splitlines()]

def run(page, tmp):
    parsed = parse(page)
    if parsed is None:
        return '%s: EXAMPLES do not opt in (.\\" examples: run)' % page
    items, folder = parsed
    work, res = os.path.join(tmp, 'work'), os.path.join(tmp, 'res')
    os.makedirs(work)
    os.makedirs(res)
    script = ['cd %s || exit 70' % work]
    for n, (kind, no, text, _) in enumerate(items):
        r = os.path.join(res, str(n))
        script.append('{ %s\n} >%s.out 2>%s.err; echo $? >%s.rc; (exit $(cat %s.rc))'
                      % (text, r, r, r, r))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(('CRM_', 'XDG_'))}
    env.update(HOME=work, CRM_DB='crm.db', CRM_NOW='2026-11-26T10:00:00Z',
               CRM_USER='admin', CRM_DATADIR=os.environ['CRM_DATADIR'],
               CRM_SRCDIR=os.environ['CRM_SRCDIR'],
               LC_ALL='C.UTF-8', TZ='UTC')
    subprocess.run(['bash', '-c', '\n'.join(script)], env=env,
                   stdin=subprocess.DEVNULL, timeout=300)
    for n, (kind, no, text, expected) in enumerate(items):
        r = os.path.join(res, str(n))
        out = lines_of(r + '.out', work, folder)
        err = lines_of(r + '.err', work, folder)
        rc = int(open(r + '.rc').read())
        where = '%s:%d: %s' % (page, no, text.split('\n')[0])
        if os.environ.get('MAN_EXAMPLES_SHOW'):
            print('%s [%d]\n%s' % (where, rc, '\n'.join(out + ['(stderr)'] + err)))
            continue
        if kind == 'setup':
            if rc != 0:
                return '%s: the setup exits %d\n%s' % (where, rc, '\n'.join(err))
            continue
        nxt = items[n + 1] if n + 1 < len(items) else None
        if rc != 0 and not (nxt and nxt[0] == 'cmd' and nxt[2] == 'echo $?'):
            return '%s: exits %d\n%s' % (where, rc, '\n'.join(err))
        if expected is None:
            continue
        say = [(l, t) for l, t in expected if re.match(r'crm-[a-z]+: ', t)]
        shown = [(l, t) for l, t in expected if (l, t) not in say]
        for name, want, got in (('stdout', shown, out), ('stderr', say, err)):
            if name == 'stderr' and not want:
                continue
            exp = [t for _, t in want]
            if match(exp, got):
                continue
            k = first_diff(exp, got)
            line = want[k][0] if k is not None else no
            diff = difflib.unified_diff(exp, got, 'page', name, lineterm='')
            return '%s:%d: %s differs from the page (%s)\n%s' % (
                page, line, name, where, '\n'.join(diff))
    return None

tmp, pages, failed = sys.argv[1], sys.argv[2:], 0
for page in pages:
    try:
        what = run(page, tempfile.mkdtemp(dir=tmp))
    except ValueError as e:
        what = str(e)
    if what:
        print(what)
        failed = 1
sys.exit(failed)
PY
}

# The pages that opt in, each with its test below; the first test keeps this
# list and the pages' own comment lines the same. Not opted in:
# crm-warehouse(7) and crm-sales(7), guides without EXAMPLES.
PAGES="crm.7 crm-accounts.5 crm-admin.1 crm-callpull.1 crm-deal.1 crm-export.1 crm-lead.1
	crm-mailpull.1 crm-mailrules.5 crm-stock.1 crm-task.1 crm-tsv.5"

@test "every page whose EXAMPLES opt in is run here, and only those" {
	cd "$CRM_SRCDIR/man"
	run grep -lx '\.\\" examples: run' -- *.[157]
	[ "$(printf '%s\n' $output | sort)" = "$(printf '%s\n' $PAGES | sort)" ]
}

@test "crm(7): the EXAMPLES print what they show" {
	man_examples "$CRM_SRCDIR/man/crm.7"
}

@test "crm-accounts(5): the EXAMPLES print what they show" {
	man_examples "$CRM_SRCDIR/man/crm-accounts.5"
}

@test "crm-admin(1): the EXAMPLES print what they show" {
	man_examples "$CRM_SRCDIR/man/crm-admin.1"
}

@test "crm-callpull(1): the EXAMPLES print what they show" {
	man_examples "$CRM_SRCDIR/man/crm-callpull.1"
}

@test "crm-deal(1): the EXAMPLES print what they show" {
	man_examples "$CRM_SRCDIR/man/crm-deal.1"
}

@test "crm-export(1): the EXAMPLES print what they show" {
	man_examples "$CRM_SRCDIR/man/crm-export.1"
}

@test "crm-lead(1): the EXAMPLES print what they show" {
	man_examples "$CRM_SRCDIR/man/crm-lead.1"
}

@test "crm-mailpull(1): the EXAMPLES print what they show" {
	man_examples "$CRM_SRCDIR/man/crm-mailpull.1"
}

@test "crm-mailrules(5): the EXAMPLES print what they show" {
	man_examples "$CRM_SRCDIR/man/crm-mailrules.5"
}

@test "crm-stock(1): the EXAMPLES print what they show" {
	man_examples "$CRM_SRCDIR/man/crm-stock.1"
}

@test "crm-task(1): the EXAMPLES print what they show" {
	man_examples "$CRM_SRCDIR/man/crm-task.1"
}

@test "crm-tsv(5): the EXAMPLES print what they show" {
	man_examples "$CRM_SRCDIR/man/crm-tsv.5"
}

# page NAME: a small page of our own with the EXAMPLES on stdin, for the
# tests of the checker itself.
page() {
	{
		printf '.Dd December 4, 2026\n.Dt %s 1\n.Os\n.Sh NAME\n.Nm %s\n.Nd test\n' "$1" "$1"
		printf '.Sh EXAMPLES\n'
		cat
	} >"$BATS_TEST_TMPDIR/$1.1"
}

@test "the checker: a wrong line of output fails, naming the page's line, with a diff" {
	page good <<-'EOF'
	.\" examples: run
	.Bd -literal -offset indent
	$ printf 'a\e\eb\en' ; printf '%s\en' c d e |
		sed 's/d/D/'
	a\eb
	c
	D
	e
	$ seq 5
	1
	\&...
	5
	$ true
	$
	.Ed
	EOF
	run man_examples "$BATS_TEST_TMPDIR/good.1"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	sed 's/^D$/d/' "$BATS_TEST_TMPDIR/good.1" >"$BATS_TEST_TMPDIR/bad.1"
	run man_examples "$BATS_TEST_TMPDIR/bad.1"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == "$BATS_TEST_TMPDIR/bad.1:14: stdout differs from the page"* ]]
	[[ "$output" == *$'\n-d\n+D'* ]]
}

@test "the checker: stderr is compared where shown; a failing command needs an echo \$? after it" {
	page err <<-'EOF'
	.\" examples: run
	.Bd -literal -offset indent
	$ crm-lead list --bogus
	crm-lead: unrecognized option '--bogus'
	.Ed
	EOF
	run man_examples "$BATS_TEST_TMPDIR/err.1"
	[ "$status" -eq 1 ]
	[[ "${lines[0]}" == *"err.1:10: crm-lead list --bogus: exits 64" ]]
	printf '%s\n' '$ echo $?' 64 .Ed >"$BATS_TEST_TMPDIR/tail"
	sed -i '$d' "$BATS_TEST_TMPDIR/err.1"
	cat "$BATS_TEST_TMPDIR/tail" >>"$BATS_TEST_TMPDIR/err.1"
	run man_examples "$BATS_TEST_TMPDIR/err.1"
	[[ "$output" == *"err.1:11: stderr differs from the page"* ]]
}

@test "the checker: blocks not run are skipped, setup runs silently, an unknown comment is refused" {
	page skip <<-'EOF'
	.\" examples: run
	.\" example: not run: no such host
	.Bd -literal -offset indent
	$ false
	.Ed
	.\" example: setup: printf 'x\n' > f; echo noise
	.Bd -literal -offset indent
	$ cat f
	x
	.Ed
	EOF
	run man_examples "$BATS_TEST_TMPDIR/skip.1"
	[ "$status" -eq 0 ] || { echo "$output"; false; }
	sed -i 's/example: not run:/example: skip:/' "$BATS_TEST_TMPDIR/skip.1"
	run man_examples "$BATS_TEST_TMPDIR/skip.1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"skip.1:9: not an example comment"* ]]
}
