/* The fast plans of the 837P pass (igfast.FastPatterns._fast_plan), read in C.
 *
 * A plan passes only segments whose elements the checks (igelements.py) find clean: a value
 * in its list of good codes, text of the element's length and character set (no separator,
 * no trailing space), numbers, dates and times of the regexes igfast.py writes for the same
 * plans, composites read in place, DTP's format with its date, and the map's syntax rules.
 * It is conservative: a segment it does not pass goes to the checks.
 */
#include "_igstep.h"

static unsigned char E5[128]; /* pyx12's extended character set (E5) */

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
 * (no plan passes ig.one). */
static const Py_UCS1 *
latin1(PyObject *value, Py_ssize_t *n)
{
    if (PyUnicode_KIND(value) != PyUnicode_1BYTE_KIND)
        return NULL;
    *n = PyUnicode_GET_LENGTH(value);
    return PyUnicode_1BYTE_DATA(value);
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
int
igplan_ok(PyObject *plan, PyObject *elements, Py_UCS4 sep)
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
        if (k > n) { /* the rest is left out: allowed from the first optional ig.one on */
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

void
igplan_init(void)
{
    const char *e5 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!\"&'()*+,-./:;?= "
                     "abcdefghijklmnopqrstuvwxyz%~@[]_{}\\|<>^`#$";
    for (const char *c = e5; *c; c++)
        E5[(unsigned char)*c] = 1;
}
