/* The 837P implementation-guide pass's per-segment step in C (optional: igcheck.PyIg837
 * takes the same step in Python).
 *
 * Walker is the base type of igcheck.Ig837. Its ``segment(seg, sep, elsep)`` is
 * PyIg837.segment: it looks up the walk trace the segment's id and qualifier lead to from
 * the current map node, counts the segment (or replays the trace's count checks, as
 * igcounts.WalkCounts._replay does), moves the walk on, and runs the node's fast plan
 * (igfast.FastPatterns._fast_plan) on the elements. Everything rarer is a call back into
 * Python: a trace not built yet (``_trace``), a problem (``_segment_problem``), an empty
 * element at the end (``_empty``), a plan not built yet (``_plan_for``), and a segment the
 * plan does not pass (``_slow``, the element checks).
 *
 * The plans are read in _igstep_plan.c, the counts kept in _igstep_counts.c.
 * The plan is conservative in C as in Python: C may send a clean segment to ``_slow``,
 * never pass one the checks would report (tests/test_igstep.py).
 */
#include "_igstep.h"
#include <structmember.h>

typedef struct {
    PyObject_HEAD
    PyObject *node;   /* the map node the last segment matched, or None */
    PyObject *frames; /* dict: loop -> {x12 path of a child: count} */
    PyObject *claim;  /* CLM01 of the open claim, or None */
    PyObject *plans;  /* dict: map node -> its plan (or None) for the open delimiters */
    PyObject *keys;   /* dict: segment id -> where its qualifier is read */
} Walker;

IgNames ig;

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
    PyObject *traces = PyObject_GetAttr(node, ig.traces);
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
    PyObject *seg = args[0], *sepstr = args[1], *elsep = nargs > 2 ? args[2] : ig.star;
    if (!PyUnicode_Check(sepstr) || !PyUnicode_Check(elsep) ||
        PyUnicode_GET_LENGTH(sepstr) != 1) {
        PyErr_SetString(PyExc_ValueError, "segment: the separators are str, the component separator ig.one character");
        return NULL;
    }
    if (!self->frames || !PyDict_Check(self->frames) || !self->plans ||
        !PyDict_Check(self->plans) || !self->keys || !PyDict_Check(self->keys)) {
        PyErr_SetString(PyExc_TypeError, "segment: frames, plans and keys must be dicts");
        return NULL;
    }
    Py_UCS4 sep = PyUnicode_READ_CHAR(sepstr, 0);
    PyObject *result = NULL, *tag = NULL, *trace = NULL;
    PyObject *elements = PyObject_GetAttr(seg, ig.elements);
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
        PyObject *done = PyObject_CallMethodObjArgs((PyObject *)self, ig.empty, seg, elements,
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
        trace = PyObject_CallMethodObjArgs((PyObject *)self, ig.trace, node, tag, elements,
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
        PyObject *frame = igcounts_frame_of(self->frames, parent);
        PyObject *count = frame ? igcounts_count_up(frame, PyTuple_GET_ITEM(trace, 2)) : NULL;
        if (count == NULL)
            goto done;
        int o = PyObject_RichCompareBool(count, PyTuple_GET_ITEM(trace, 3), Py_GT);
        if (o > 0) {
            int not_used = igcounts_is_not_used(found);
            PyObject *item = not_used < 0 ? NULL : not_used
                ? PyTuple_Pack(3, ig.code_2, found, Py_None) : PyTuple_Pack(3, ig.code_5, found, count);
            PyObject *done = item ? PyObject_CallMethodObjArgs(
                (PyObject *)self, ig.segment_problem, item, seg, NULL) : NULL;
            Py_XDECREF(item);
            Py_XDECREF(done);
            o = done == NULL ? -1 : 0;
        }
        Py_DECREF(count);
        if (o < 0)
            goto done;
    }
    else {
        if (igcounts_replay((PyObject *)self, self->frames, PyTuple_GET_ITEM(trace, 4), seg) < 0)
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
        plan = PyObject_CallMethodObjArgs((PyObject *)self, ig.plan_for, found, NULL);
        if (plan == NULL)
            goto done;
        int r = PyDict_SetItem(self->plans, found, plan);
        Py_DECREF(plan); /* the dict holds it */
        if (r < 0)
            goto done;
    }
    if (plan != Py_None) {
        int ok = igplan_ok(plan, elements, sep);
        if (ok < 0)
            goto done;
        if (ok) {
            result = Py_None;
            goto done;
        }
    }
    PyObject *done = PyObject_CallMethodObjArgs((PyObject *)self, ig.slow, found, seg,
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
        PyErr_SetString(PyExc_ValueError, "plan_ok: a segment's elements, ig.one separator");
        return NULL;
    }
    int ok = igplan_ok(plan, elements, PyUnicode_READ_CHAR(sepstr, 0));
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
     "segment(seg, sep, elsep='*'): check ig.one segment of the open 837P transaction set"},
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
     "igplan_ok(plan, elements, sep): True when the fast plan passes the elements"},
    {NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_igstep",
                                    "The 837P pass's per-segment step in C.", -1,
                                    module_methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC
PyInit__igstep(void)
{
    igplan_init();
    struct { PyObject **slot; const char *text; } names[] = {
        {&ig.traces, "traces"}, {&ig.parent, "parent"}, {&ig.path, "path"},
        {&ig.usage, "usage"}, {&ig.max_use, "max_use"}, {&ig.pos, "pos"},
        {&ig.wrappers, "wrappers"}, {&ig.repeat, "repeat"}, {&ig.trace, "_trace"},
        {&ig.segment_problem, "_segment_problem"}, {&ig.empty, "_empty"},
        {&ig.plan_for, "_plan_for"}, {&ig.slow, "_slow"},
        {&ig.elements, "elements"}, {&ig.star, "*"}, {&ig.code_1, "1"},
        {&ig.code_2, "2"}, {&ig.code_2L, "2L"}, {&ig.code_3, "3"}, {&ig.code_3L, "3L"},
        {&ig.code_4, "4"}, {&ig.code_5, "5"}};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if ((*names[i].slot = PyUnicode_InternFromString(names[i].text)) == NULL)
            return NULL;
    if ((ig.one = PyLong_FromLong(1)) == NULL)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    if (PyModule_AddIntConstant(m, "FORMAT", IGSTEP_FORMAT) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    PyObject *type = PyType_FromSpec(&walker_spec);
    if (type == NULL || PyModule_AddObject(m, "Walker", type) < 0) {
        Py_XDECREF(type);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
