/* The 837P implementation-guide pass's per-segment step in C (optional: igcheck.py's
 * PyStep does the same in Python).
 *
 * Walker is the base type of igcheck.Ig837. Its ``segment(seg, sep, elsep)`` is
 * PyStep.segment: it looks up the walk trace the segment's id and qualifier lead to from
 * the current map node, counts the segment (or replays the trace's count checks, as
 * igcounts.WalkCounts._replay does), moves the walk on, and runs the node's fast plan
 * (igfast.FastPatterns._fast_plan) on the elements. Everything rarer is a call back into
 * Python: a trace not built yet (``_trace``), a problem (``_segment_problem``), an empty
 * element at the end (``_empty``), a plan not built yet (``_plan_for``), and a segment the
 * plan does not pass (``_slow``, the element checks).
 *
 * The plan is conservative in C as in Python: C may send a clean segment to ``_slow``,
 * never pass one the checks would report (tests/test_igstep.py).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

enum { CODES, TEXT, NUM, REAL, DATE8, TIME, COMPOSITE, DTP, EMPTY };
enum { REQUIRED, OPTIONAL, NOT_USED };

typedef struct {
    PyObject_HEAD
    PyObject *node;   /* the map node the last segment matched, or None */
    PyObject *frames; /* dict: loop -> {x12 path of a child: count} */
    PyObject *claim;  /* CLM01 of the open claim, or None */
    PyObject *plans;  /* dict: map node -> its plan (or None) for the open delimiters */
    PyObject *keys;   /* dict: segment id -> where its qualifier is read */
} Walker;

static PyObject *s_traces, *s_parent, *s_path, *s_usage, *s_max_use, *s_pos, *s_wrappers,
    *s_repeat, *s_trace, *s_segment_problem, *s_empty, *s_plan_for, *s_slow,
    *s_elements, *star, *c_2, *c_2L, *c_3, *c_3L, *c_4, *c_5, *c_1, *one;

/* -- the plan --------------------------------------------------------------------- */

static unsigned char E5[128];

static int
digits(const Py_UCS1 *s, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static int
two(const Py_UCS1 *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* igfast._DATE8: CCYYMMDD from 1800 to 2999, no 29 February (left to the checks) */
static int
date8(const Py_UCS1 *s, Py_ssize_t n)
{
    if (n != 8 || !digits(s, 8))
        return 0;
    if (!((s[0] == '1' && (s[1] == '8' || s[1] == '9')) || s[0] == '2'))
        return 0;
    int m = two(s + 4), d = two(s + 6);
    if (d < 1)
        return 0;
    if (m == 1 || m == 3 || m == 5 || m == 7 || m == 8 || m == 10 || m == 12)
        return d <= 31;
    if (m == 4 || m == 6 || m == 9 || m == 11)
        return d <= 30;
    if (m == 2)
        return d <= 28;
    return 0;
}

/* igfast._TIME: HHMM[SS[d[d]]] */
static int
time_ok(const Py_UCS1 *s, Py_ssize_t n)
{
    if ((n != 4 && n != 6 && n != 7 && n != 8) || !digits(s, n))
        return 0;
    if (two(s) > 23 || s[2] > '5')
        return 0;
    return n == 4 || s[4] <= '5';
}

/* The value's characters as Latin-1 bytes, or NULL when it holds a wider character
 * (no plan passes one). */
static const Py_UCS1 *
latin1(PyObject *value, Py_ssize_t *n)
{
    if (PyUnicode_KIND(value) != PyUnicode_1BYTE_KIND)
        return NULL;
    *n = PyUnicode_GET_LENGTH(value);
    return PyUnicode_1BYTE_DATA(value);
}

static Py_ssize_t
as_size(PyObject *tuple, Py_ssize_t i)
{
    return PyLong_AsSsize_t(PyTuple_GET_ITEM(tuple, i));
}

static int span_ok(PyObject *plan, PyObject *text, Py_ssize_t start, Py_ssize_t end,
                   Py_UCS4 sep);

/* One part of a plan (usage, value plan) against the value ``text[start:end]``: 1 passes,
 * 0 not, -1 error. */
static int
piece_ok(PyObject *piece, PyObject *text, Py_ssize_t start, Py_ssize_t end, Py_UCS4 sep)
{
    long usage = PyLong_AsLong(PyTuple_GET_ITEM(piece, 0));
    if (usage == NOT_USED)
        return end == start;
    if (usage == OPTIONAL && end == start)
        return 1;
    return span_ok(PyTuple_GET_ITEM(piece, 1), text, start, end, sep);
}

/* a composite's components, read in place (no list, no copies but for code lookups) */
static int
composite_ok(PyObject *kids, PyObject *text, Py_ssize_t start, Py_ssize_t end, Py_UCS4 sep)
{
    if (PyUnicode_KIND(text) != PyUnicode_1BYTE_KIND)
        return 0;
    const Py_UCS1 *s = PyUnicode_1BYTE_DATA(text);
    Py_ssize_t count = 1, nkids = PyTuple_GET_SIZE(kids), need = 0;
    for (Py_ssize_t i = start; i < end; i++)
        count += s[i] == sep;
    for (Py_ssize_t j = 0; j < nkids; j++)
        if (PyLong_AsLong(PyTuple_GET_ITEM(PyTuple_GET_ITEM(kids, j), 0)) == REQUIRED)
            need = j + 1;
    if (count > nkids || count < need)
        return 0;
    Py_ssize_t at = start;
    for (Py_ssize_t j = 0; j < count; j++) {
        Py_ssize_t stop = at;
        while (stop < end && s[stop] != sep)
            stop++;
        int ok = piece_ok(PyTuple_GET_ITEM(kids, j), text, at, stop, sep);
        if (ok != 1)
            return ok;
        at = stop + 1;
    }
    return 1;
}

/* A value plan against ``text[start:end]`` */
static int
span_ok(PyObject *plan, PyObject *text, Py_ssize_t start, Py_ssize_t end, Py_UCS4 sep)
{
    long kind = PyLong_AsLong(PyTuple_GET_ITEM(plan, 0));
    if (kind == CODES) {
        if (start == 0 && end == PyUnicode_GET_LENGTH(text))
            return PySet_Contains(PyTuple_GET_ITEM(plan, 1), text);
        PyObject *value = PyUnicode_Substring(text, start, end);
        if (value == NULL)
            return -1;
        int r = PySet_Contains(PyTuple_GET_ITEM(plan, 1), value);
        Py_DECREF(value);
        return r;
    }
    if (kind == COMPOSITE)
        return composite_ok(PyTuple_GET_ITEM(plan, 1), text, start, end, sep);
    if (kind == EMPTY)
        return end == start;
    if (PyUnicode_KIND(text) != PyUnicode_1BYTE_KIND)
        return 0; /* a character beyond Latin-1: no plan passes it */
    const Py_UCS1 *s = PyUnicode_1BYTE_DATA(text) + start;
    Py_ssize_t n = end - start;
    if (kind == TEXT) {
        Py_ssize_t lo = as_size(plan, 1), hi = as_size(plan, 2);
        if (n < (lo > 1 ? lo : 1) || n > hi || s[n - 1] == ' ')
            return 0;
        for (Py_ssize_t i = 0; i < n; i++)
            if (s[i] >= 128 || !E5[s[i]] || s[i] == sep)
                return 0;
        return 1;
    }
    if (kind == DATE8)
        return date8(s, n);
    if (kind == TIME)
        return time_ok(s, n);
    if (kind != NUM && kind != REAL)
        return 0;
    Py_ssize_t lo = as_size(plan, 1), hi = as_size(plan, 2);
    if (n > 0 && s[0] == '-') {
        s++;
        n--;
    }
    if (digits(s, n))
        return lo <= n && n <= hi;
    if (kind == NUM || n < lo + 1 || n > hi)
        return 0;
    /* [0-9]*\.[0-9]+ */
    Py_ssize_t dot = 0;
    while (dot < n && s[dot] != '.')
        dot++;
    return dot < n - 1 && digits(s, dot) && digits(s + dot + 1, n - dot - 1);
}

static int
dtp_ok(PyObject *plan, PyObject *form, PyObject *date)
{
    Py_ssize_t nf, nd;
    const Py_UCS1 *f = latin1(form, &nf), *d = latin1(date, &nd);
    if (f == NULL || d == NULL)
        return 0;
    if (nf == 2 && f[0] == 'D' && f[1] == '8')
        return PyObject_IsTrue(PyTuple_GET_ITEM(plan, 1)) && date8(d, nd);
    if (nf == 3 && f[0] == 'R' && f[1] == 'D' && f[2] == '8')
        return PyObject_IsTrue(PyTuple_GET_ITEM(plan, 2)) && nd == 17 && d[8] == '-' &&
               date8(d, 8) && date8(d + 9, 8);
    return 0;
}

static int
syntax_ok(PyObject *rules, PyObject *elements)
{
    Py_ssize_t n = PyList_GET_SIZE(elements);
    for (Py_ssize_t r = 0; r < PyTuple_GET_SIZE(rules); r++) {
        PyObject *rule = PyTuple_GET_ITEM(rules, r);
        Py_ssize_t count = PyTuple_GET_SIZE(rule) - 1, have = 0;
        int first = 0;
        for (Py_ssize_t k = 1; k <= count; k++) {
            Py_ssize_t i = as_size(rule, k);
            int present = i < n && PyUnicode_GET_LENGTH(PyList_GET_ITEM(elements, i)) > 0;
            have += present;
            if (k == 1)
                first = present;
        }
        Py_UCS4 kind = PyUnicode_READ_CHAR(PyTuple_GET_ITEM(rule, 0), 0);
        if ((kind == 'P' && have != 0 && have != count) || (kind == 'R' && have == 0) ||
            (kind == 'E' && have > 1) || (kind == 'C' && first && have != count) ||
            (kind == 'L' && first && have == 1))
            return 0;
    }
    return 1;
}

/* igfast's plan (min elements, pieces, syntax rules) against a segment's elements. */
static int
plan_ok(PyObject *plan, PyObject *elements, Py_UCS4 sep)
{
    Py_ssize_t min_have = as_size(plan, 0), n = PyList_GET_SIZE(elements) - 1;
    PyObject *pieces = PyTuple_GET_ITEM(plan, 1);
    Py_ssize_t count = PyTuple_GET_SIZE(pieces);
    if (n > count)
        return 0;
    for (Py_ssize_t k = 1; k <= count;) {
        PyObject *piece = PyTuple_GET_ITEM(pieces, k - 1);
        if (piece == Py_None) {
            k++;
            continue;
        }
        Py_ssize_t width = (k < count && PyTuple_GET_ITEM(pieces, k) == Py_None) ? 2 : 1;
        if (k > n) { /* the rest is left out: allowed from the first optional one on */
            if (k + width - 1 < min_have)
                return 0;
            break;
        }
        PyObject *value = PyList_GET_ITEM(elements, k);
        PyObject *vplan = PyTuple_GET_ITEM(piece, 1);
        int ok;
        if (PyLong_AsLong(PyTuple_GET_ITEM(vplan, 0)) == DTP)
            ok = k + 1 <= n && dtp_ok(vplan, value, PyList_GET_ITEM(elements, k + 1));
        else
            ok = piece_ok(piece, value, 0, PyUnicode_GET_LENGTH(value), sep);
        if (ok != 1)
            return ok;
        k += width;
    }
    return syntax_ok(PyTuple_GET_ITEM(plan, 2), elements);
}

/* -- counts: igcounts.WalkCounts._replay -------------------------------------------- */

/* frames[loop], made when missing (borrowed) */
static PyObject *
frame_of(PyObject *frames, PyObject *loop)
{
    PyObject *frame = PyDict_GetItemWithError(frames, loop);
    if (frame != NULL || PyErr_Occurred())
        return frame;
    frame = PyDict_New();
    if (frame == NULL || PyDict_SetItem(frames, loop, frame) < 0) {
        Py_XDECREF(frame);
        return NULL;
    }
    Py_DECREF(frame);
    return frame;
}

/* frame[path] += 1; the new count (new reference) */
static PyObject *
count_up(PyObject *frame, PyObject *path)
{
    PyObject *old = PyDict_GetItemWithError(frame, path);
    if (old == NULL && PyErr_Occurred())
        return NULL;
    PyObject *n = old == NULL ? (Py_INCREF(one), one) : PyNumber_Add(old, one);
    if (n == NULL || PyDict_SetItem(frame, path, n) < 0) {
        Py_XDECREF(n);
        return NULL;
    }
    return n;
}

/* the count of ``path`` in frames[loop] is less than 1: 1 yes, 0 no, -1 error */
static int
uncounted(PyObject *frames, PyObject *loop, PyObject *path)
{
    PyObject *frame = PyDict_GetItemWithError(frames, loop);
    if (frame == NULL)
        return PyErr_Occurred() ? -1 : 1;
    PyObject *n = PyDict_GetItemWithError(frame, path);
    if (n == NULL)
        return PyErr_Occurred() ? -1 : 1;
    return PyObject_RichCompareBool(n, one, Py_LT);
}

static int
is_not_used(PyObject *node)
{
    PyObject *usage = PyObject_GetAttr(node, s_usage);
    if (usage == NULL)
        return -1;
    int r = PyUnicode_Check(usage) && PyUnicode_CompareWithASCIIString(usage, "N") == 0;
    Py_DECREF(usage);
    return r;
}

/* list.append((code, node, extra)); 0 or -1 */
static int
add(PyObject **list, PyObject *code, PyObject *node, PyObject *extra)
{
    if (*list == NULL && (*list = PyList_New(0)) == NULL)
        return -1;
    PyObject *item = PyTuple_Pack(3, code, node, extra);
    if (item == NULL)
        return -1;
    int r = PyList_Append(*list, item);
    Py_DECREF(item);
    return r;
}

/* an attribute's value compared with a limit: value > limit as 1/0/-1 */
static int
over(PyObject *n, PyObject *node, PyObject *name)
{
    PyObject *limit = PyObject_GetAttr(node, name);
    if (limit == NULL)
        return -1;
    int r = PyObject_RichCompareBool(n, limit, Py_GT);
    Py_DECREF(limit);
    return r;
}

/* count ``node`` (a segment or loop) in its parent's frame: the new count (new reference) */
static PyObject *
count_in_parent(PyObject *frames, PyObject *node)
{
    PyObject *parent = PyObject_GetAttr(node, s_parent);
    PyObject *path = parent ? PyObject_GetAttr(node, s_path) : NULL;
    PyObject *frame = path ? frame_of(frames, parent) : NULL;
    PyObject *n = frame ? count_up(frame, path) : NULL;
    Py_XDECREF(parent);
    Py_XDECREF(path);
    return n;
}

static int
replay_op(Walker *self, PyObject *op, PyObject **missing, PyObject **pending)
{
    long kind = PyLong_AsLong(PyTuple_GET_ITEM(op, 0));
    PyObject *frames = self->frames, *a = PyTuple_GET_ITEM(op, 1), *parent, *path;
    int r = 0;
    if (kind == 0 || kind == 1) { /* a required segment / loop: counted yet? */
        PyObject *counted = kind == 0 ? a : PyTuple_GET_ITEM(op, 2);
        parent = PyObject_GetAttr(counted, s_parent);
        path = PyObject_GetAttr(counted, s_path);
        r = parent && path ? uncounted(frames, parent, path) : -1;
        Py_XDECREF(parent);
        Py_XDECREF(path);
        if (r == 1)
            r = kind == 0 ? add(missing, c_3, a, Py_None) : add(missing, c_3L, a, counted);
        return r;
    }
    if (kind == 5)
        return add(missing, c_3, a, Py_None);
    if (kind == 6)
        return add(missing, c_3L, a, PyTuple_GET_ITEM(op, 2));
    if (kind == 2) { /* a match in the open loop */
        PyObject *n = count_in_parent(frames, a);
        if (n == NULL)
            return -1;
        int not_used = is_not_used(a);
        r = not_used < 0 ? -1 : not_used ? add(pending, c_2, a, Py_None) : 0;
        if (r == 0 && !not_used) {
            int o = over(n, a, s_max_use);
            r = o < 0 ? -1 : o ? add(pending, c_5, a, n) : 0;
        }
        Py_DECREF(n);
        if (r < 0 || *missing == NULL)
            return r;
        PyObject *pos = PyObject_GetAttr(a, s_pos), *keep = PyList_New(0);
        for (Py_ssize_t i = 0; r == 0 && pos && keep && i < PyList_GET_SIZE(*missing); i++) {
            PyObject *m = PyList_GET_ITEM(*missing, i), *node = PyTuple_GET_ITEM(m, 1);
            if (node == a)
                continue;
            PyObject *mpos = PyObject_GetAttr(node, s_pos);
            int same = mpos ? PyObject_RichCompareBool(mpos, pos, Py_EQ) : -1;
            Py_XDECREF(mpos);
            if (same < 0)
                r = -1;
            else if (same)
                r = PyList_Append(keep, m);
            else
                r = (*pending == NULL && (*pending = PyList_New(0)) == NULL)
                        ? -1 : PyList_Append(*pending, m);
        }
        Py_XDECREF(pos);
        if (pos == NULL || keep == NULL)
            r = -1;
        Py_SETREF(*missing, keep);
        return r;
    }
    if (kind == 3) { /* a loop entered */
        PyObject *first = PyTuple_GET_ITEM(op, 2);
        int not_used = is_not_used(a);
        if (not_used < 0)
            return -1;
        if (not_used) {
            if (add(pending, c_2L, a, Py_None) < 0)
                return -1;
        }
        else {
            PyObject *empty = PyDict_New();
            r = empty ? PyDict_SetItem(frames, a, empty) : -1;
            Py_XDECREF(empty);
            PyObject *wrappers = r == 0 ? PyObject_GetAttr(a, s_wrappers) : NULL;
            if (wrappers == NULL || !PyTuple_Check(wrappers)) {
                Py_XDECREF(wrappers);
                return -1;
            }
            for (Py_ssize_t i = 0; r == 0 && i < PyTuple_GET_SIZE(wrappers); i++) {
                empty = PyDict_New();
                r = empty ? PyDict_SetItem(frames, PyTuple_GET_ITEM(wrappers, i), empty) : -1;
                Py_XDECREF(empty);
            }
            Py_DECREF(wrappers);
            PyObject *n = r == 0 ? count_in_parent(frames, a) : NULL;
            if (n == NULL)
                return -1;
            int o = over(n, a, s_repeat);
            r = o < 0 ? -1 : o ? add(pending, c_4, a, n) : 0;
            Py_DECREF(n);
            if (r < 0)
                return -1;
        }
        PyObject *frame = frame_of(frames, a);
        path = frame ? PyObject_GetAttr(first, s_path) : NULL;
        PyObject *n = path ? count_up(frame, path) : NULL;
        Py_XDECREF(path);
        if (n == NULL)
            return -1;
        Py_DECREF(n);
        if (*missing != NULL) {
            if (*pending == NULL && (*pending = PyList_New(0)) == NULL)
                return -1;
            r = _PyList_Extend((PyListObject *)*pending, *missing) == NULL ? -1 : 0;
            Py_CLEAR(*missing);
        }
        return r;
    }
    return add(pending, c_1, a, Py_None); /* nothing matched */
}

static int
replay(Walker *self, PyObject *ops, PyObject *seg)
{
    PyObject *missing = NULL, *pending = NULL;
    int r = 0;
    for (Py_ssize_t i = 0; r == 0 && i < PyTuple_GET_SIZE(ops); i++)
        r = replay_op(self, PyTuple_GET_ITEM(ops, i), &missing, &pending);
    for (Py_ssize_t i = 0; r == 0 && pending != NULL && i < PyList_GET_SIZE(pending); i++) {
        PyObject *done = PyObject_CallMethodObjArgs((PyObject *)self, s_segment_problem,
                                                    PyList_GET_ITEM(pending, i), seg, NULL);
        r = done == NULL ? -1 : 0;
        Py_XDECREF(done);
    }
    Py_XDECREF(missing);
    Py_XDECREF(pending);
    return r;
}

/* -- the step --------------------------------------------------------------------- */

static int
is_tag(PyObject *tag, const char *name)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(tag);
    return n == (Py_ssize_t)strlen(name) && PyUnicode_KIND(tag) == PyUnicode_1BYTE_KIND &&
           memcmp(PyUnicode_1BYTE_DATA(tag), name, n) == 0;
}

/* igwalk.get_value: element ``ele`` (component ``comp``, 0 = the whole element, less
 * trailing component separators), or None; a new reference */
static PyObject *
get_value(PyObject *elements, Py_ssize_t ele, Py_ssize_t comp, Py_UCS4 sep)
{
    if (ele >= PyList_GET_SIZE(elements))
        Py_RETURN_NONE;
    PyObject *text = PyList_GET_ITEM(elements, ele);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), start = 0, end;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    if (comp == 0) {
        end = n;
        while (end > 0 && PyUnicode_READ(kind, data, end - 1) == sep)
            end--;
        if (end == n) {
            Py_INCREF(text);
            return text;
        }
        return PyUnicode_Substring(text, 0, end);
    }
    for (Py_ssize_t c = 1; c < comp; c++) { /* to the start of component ``comp`` */
        while (start < n && PyUnicode_READ(kind, data, start) != sep)
            start++;
        if (start == n)
            Py_RETURN_NONE;
        start++;
    }
    end = start;
    while (end < n && PyUnicode_READ(kind, data, end) != sep)
        end++;
    return PyUnicode_Substring(text, start, end);
}

/* The qualifier the walk from a node depends on (igcheck._Checks._trace); new reference */
static PyObject *
qualifier(PyObject *where, PyObject *elements, Py_UCS4 sep)
{
    if (PyLong_CheckExact(where))
        return get_value(elements, PyLong_AsSsize_t(where), 0, sep);
    if (!PyTuple_Check(where)) {
        PyErr_SetString(PyExc_TypeError, "segment: a qualifier's place is an int or a tuple");
        return NULL;
    }
    Py_ssize_t count = PyTuple_GET_SIZE(where);
    PyObject *key = PyTuple_New(count);
    for (Py_ssize_t i = 0; key != NULL && i < count; i++) {
        PyObject *pair = PyTuple_GET_ITEM(where, i), *value;
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2)
            value = NULL, PyErr_SetString(PyExc_TypeError, "segment: (element, component)");
        else
            value = get_value(elements, as_size(pair, 0), as_size(pair, 1), sep);
        if (value == NULL)
            Py_CLEAR(key);
        else
            PyTuple_SET_ITEM(key, i, value);
    }
    return key;
}

/* The cached trace of the walk from ``node`` (new reference), or NULL without an error
 * when it must be built (in Python). */
static PyObject *
cached_trace(Walker *self, PyObject *node, PyObject *tag, PyObject *elements, Py_UCS4 sep)
{
    PyObject *where = PyDict_GetItemWithError(self->keys, tag);
    if (where == NULL && PyErr_Occurred())
        return NULL;
    PyObject *traces = PyObject_GetAttr(node, s_traces);
    if (traces == NULL)
        return NULL;
    PyObject *trace = PyDict_GetItemWithError(traces, tag);
    Py_DECREF(traces);
    if (trace == NULL || where == NULL) {
        Py_XINCREF(trace);
        return trace;
    }
    PyObject *value = qualifier(where, elements, sep);
    if (value == NULL)
        return NULL;
    trace = PyDict_GetItemWithError(trace, value);
    Py_DECREF(value);
    Py_XINCREF(trace);
    return trace;
}

static PyObject *
walker_segment(Walker *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 2 || nargs > 3) {
        PyErr_SetString(PyExc_TypeError, "segment(seg, sep, elsep='*')");
        return NULL;
    }
    PyObject *seg = args[0], *sepstr = args[1], *elsep = nargs > 2 ? args[2] : star;
    if (!PyUnicode_Check(sepstr) || !PyUnicode_Check(elsep) ||
        PyUnicode_GET_LENGTH(sepstr) != 1) {
        PyErr_SetString(PyExc_ValueError, "segment: the separators are str, the component separator one character");
        return NULL;
    }
    if (!self->frames || !PyDict_Check(self->frames) || !self->plans ||
        !PyDict_Check(self->plans) || !self->keys || !PyDict_Check(self->keys)) {
        PyErr_SetString(PyExc_TypeError, "segment: frames, plans and keys must be dicts");
        return NULL;
    }
    Py_UCS4 sep = PyUnicode_READ_CHAR(sepstr, 0);
    PyObject *result = NULL, *tag = NULL, *trace = NULL;
    PyObject *elements = PyObject_GetAttr(seg, s_elements);
    if (elements == NULL)
        return NULL;
    if (!PyList_Check(elements) || PyList_GET_SIZE(elements) == 0) {
        PyErr_SetString(PyExc_TypeError, "segment: elements must be a non-empty list");
        goto done;
    }
    Py_ssize_t n = PyList_GET_SIZE(elements);
    for (Py_ssize_t i = 0; i < n; i++)
        if (!PyUnicode_Check(PyList_GET_ITEM(elements, i))) {
            PyErr_SetString(PyExc_TypeError, "segment: elements must be str");
            goto done;
        }
    tag = PyList_GET_ITEM(elements, 0);
    Py_INCREF(tag);
    if (PyUnicode_GET_LENGTH(PyList_GET_ITEM(elements, n - 1)) == 0) {
        PyObject *done = PyObject_CallMethodObjArgs((PyObject *)self, s_empty, seg, elements,
                                                    elsep, NULL);
        if (done == NULL)
            goto done;
        Py_DECREF(done);
    }
    PyObject *node = self->node;
    if (node == NULL || node == Py_None) {
        result = Py_None;
        goto done;
    }
    trace = cached_trace(self, node, tag, elements, sep);
    if (trace == NULL) {
        if (PyErr_Occurred())
            goto done;
        trace = PyObject_CallMethodObjArgs((PyObject *)self, s_trace, node, tag, elements,
                                           sepstr, NULL);
        if (trace == NULL)
            goto done;
    }
    if (!PyTuple_Check(trace) || PyTuple_GET_SIZE(trace) < 5) {
        PyErr_SetString(PyExc_TypeError, "segment: a trace is a tuple of five");
        goto done;
    }
    PyObject *found = PyTuple_GET_ITEM(trace, 0), *parent = PyTuple_GET_ITEM(trace, 1);
    if (parent != Py_None) { /* the usual step: the next segment of the same loop */
        PyObject *frame = frame_of(self->frames, parent);
        PyObject *count = frame ? count_up(frame, PyTuple_GET_ITEM(trace, 2)) : NULL;
        if (count == NULL)
            goto done;
        int o = PyObject_RichCompareBool(count, PyTuple_GET_ITEM(trace, 3), Py_GT);
        if (o > 0) {
            int not_used = is_not_used(found);
            PyObject *item = not_used < 0 ? NULL : not_used
                ? PyTuple_Pack(3, c_2, found, Py_None) : PyTuple_Pack(3, c_5, found, count);
            PyObject *done = item ? PyObject_CallMethodObjArgs(
                (PyObject *)self, s_segment_problem, item, seg, NULL) : NULL;
            Py_XDECREF(item);
            Py_XDECREF(done);
            o = done == NULL ? -1 : 0;
        }
        Py_DECREF(count);
        if (o < 0)
            goto done;
    }
    else {
        if (replay(self, PyTuple_GET_ITEM(trace, 4), seg) < 0)
            goto done;
        if (found == Py_None) {
            result = Py_None;
            goto done;
        }
        if (is_tag(tag, "HL"))
            Py_XSETREF(self->claim, (Py_INCREF(Py_None), Py_None));
    }
    Py_INCREF(found);
    Py_XSETREF(self->node, found);
    if (is_tag(tag, "CLM")) {
        PyObject *claim = n > 1 ? PyList_GET_ITEM(elements, 1) : Py_None;
        Py_INCREF(claim);
        Py_XSETREF(self->claim, claim);
    }
    else if (is_tag(tag, "SE")) {
        Py_INCREF(Py_None);
        Py_XSETREF(self->node, Py_None);
    }
    PyObject *plan = PyDict_GetItemWithError(self->plans, found);
    if (plan == NULL) {
        if (PyErr_Occurred())
            goto done;
        plan = PyObject_CallMethodObjArgs((PyObject *)self, s_plan_for, found, NULL);
        if (plan == NULL)
            goto done;
        int r = PyDict_SetItem(self->plans, found, plan);
        Py_DECREF(plan); /* the dict holds it */
        if (r < 0)
            goto done;
    }
    if (plan != Py_None) {
        int ok = plan_ok(plan, elements, sep);
        if (ok < 0)
            goto done;
        if (ok) {
            result = Py_None;
            goto done;
        }
    }
    PyObject *done = PyObject_CallMethodObjArgs((PyObject *)self, s_slow, found, seg,
                                                elements, sepstr, NULL);
    if (done == NULL)
        goto done;
    Py_DECREF(done);
    result = Py_None;
done:
    Py_XDECREF(trace);
    Py_XDECREF(tag);
    Py_DECREF(elements);
    Py_XINCREF(result);
    return result;
}

static PyObject *
walker_plan_ok(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *plan, *elements, *sepstr;
    if (!PyArg_ParseTuple(args, "O!O!U", &PyTuple_Type, &plan, &PyList_Type, &elements,
                          &sepstr))
        return NULL;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(elements); i++)
        if (!PyUnicode_Check(PyList_GET_ITEM(elements, i))) {
            PyErr_SetString(PyExc_TypeError, "plan_ok: elements must be str");
            return NULL;
        }
    if (PyList_GET_SIZE(elements) == 0 || PyUnicode_GET_LENGTH(sepstr) != 1) {
        PyErr_SetString(PyExc_ValueError, "plan_ok: a segment's elements, one separator");
        return NULL;
    }
    int ok = plan_ok(plan, elements, PyUnicode_READ_CHAR(sepstr, 0));
    if (ok < 0)
        return NULL;
    return PyBool_FromLong(ok);
}

static int
walker_traverse(Walker *self, visitproc visit, void *arg)
{
    Py_VISIT(self->node);
    Py_VISIT(self->frames);
    Py_VISIT(self->claim);
    Py_VISIT(self->plans);
    Py_VISIT(self->keys);
    Py_VISIT(Py_TYPE(self));
    return 0;
}

static int
walker_clear(Walker *self)
{
    Py_CLEAR(self->node);
    Py_CLEAR(self->frames);
    Py_CLEAR(self->claim);
    Py_CLEAR(self->plans);
    Py_CLEAR(self->keys);
    return 0;
}

static void
walker_dealloc(Walker *self)
{
    PyTypeObject *type = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    walker_clear(self);
    type->tp_free((PyObject *)self);
    Py_DECREF(type);
}

static PyObject *
walker_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    (void)args;
    (void)kwds;
    Walker *self = (Walker *)type->tp_alloc(type, 0);
    if (self == NULL)
        return NULL;
    self->frames = PyDict_New();
    self->plans = PyDict_New();
    self->keys = PyDict_New();
    if (!self->frames || !self->plans || !self->keys) {
        Py_DECREF(self);
        return NULL;
    }
    self->node = (Py_INCREF(Py_None), Py_None);
    self->claim = (Py_INCREF(Py_None), Py_None);
    return (PyObject *)self;
}

static PyMemberDef walker_members[] = {
    {"node", T_OBJECT, offsetof(Walker, node), 0, "the map node of the last segment"},
    {"frames", T_OBJECT, offsetof(Walker, frames), 0, "loop -> {x12 path: count}"},
    {"claim", T_OBJECT, offsetof(Walker, claim), 0, "CLM01 of the open claim"},
    {"plans", T_OBJECT, offsetof(Walker, plans), 0, "map node -> fast plan or None"},
    {"keys", T_OBJECT, offsetof(Walker, keys), 0, "segment id -> where its qualifier is"},
    {NULL}};

static PyMethodDef walker_methods[] = {
    {"segment", (PyCFunction)(void (*)(void))walker_segment, METH_FASTCALL,
     "segment(seg, sep, elsep='*'): check one segment of the open 837P transaction set"},
    {NULL}};

static PyType_Slot walker_slots[] = {
    {Py_tp_doc, "The 837P pass's per-segment step (igcheck.Ig837's base)."},
    {Py_tp_new, walker_new},
    {Py_tp_dealloc, walker_dealloc},
    {Py_tp_traverse, walker_traverse},
    {Py_tp_clear, walker_clear},
    {Py_tp_members, walker_members},
    {Py_tp_methods, walker_methods},
    {0, NULL}};

static PyType_Spec walker_spec = {
    "edi_lint._igstep.Walker", sizeof(Walker), 0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC, walker_slots};

static PyMethodDef module_methods[] = {
    {"plan_ok", walker_plan_ok, METH_VARARGS,
     "plan_ok(plan, elements, sep): True when the fast plan passes the elements"},
    {NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_igstep",
                                    "The 837P pass's per-segment step in C.", -1,
                                    module_methods};

PyMODINIT_FUNC
PyInit__igstep(void)
{
    const char *e5 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!\"&'()*+,-./:;?= "
                     "abcdefghijklmnopqrstuvwxyz%~@[]_{}\\|<>^`#$";
    for (const char *c = e5; *c; c++)
        E5[(unsigned char)*c] = 1;
    struct { PyObject **slot; const char *text; } names[] = {
        {&s_traces, "traces"}, {&s_parent, "parent"}, {&s_path, "path"},
        {&s_usage, "usage"}, {&s_max_use, "max_use"}, {&s_pos, "pos"},
        {&s_wrappers, "wrappers"}, {&s_repeat, "repeat"}, {&s_trace, "_trace"},
        {&s_segment_problem, "_segment_problem"}, {&s_empty, "_empty"},
        {&s_plan_for, "_plan_for"}, {&s_slow, "_slow"},
        {&s_elements, "elements"}, {&star, "*"}, {&c_1, "1"}, {&c_2, "2"},
        {&c_2L, "2L"}, {&c_3, "3"}, {&c_3L, "3L"}, {&c_4, "4"}, {&c_5, "5"}};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if ((*names[i].slot = PyUnicode_InternFromString(names[i].text)) == NULL)
            return NULL;
    if ((one = PyLong_FromLong(1)) == NULL)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    PyObject *type = PyType_FromSpec(&walker_spec);
    if (type == NULL || PyModule_AddObject(m, "Walker", type) < 0) {
        Py_XDECREF(type);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
