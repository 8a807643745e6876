/* The 837P pass's counts in C: igcounts.WalkCounts._replay.
 *
 * Each loop instance has a frame (x12 path of a child -> count) in the walker's ``frames``.
 * A walk trace's ops look counts up (a required segment or loop not counted yet is missing),
 * count a match, or enter a loop (its frame and those of the wrappers under it emptied);
 * the problems found are handed, in order, to the walker's ``_segment_problem``.
 */
#include "_igstep.h"

/* frames[loop], made when missing (borrowed) */
PyObject *
igcounts_frame_of(PyObject *frames, PyObject *loop)
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
PyObject *
igcounts_count_up(PyObject *frame, PyObject *path)
{
    PyObject *old = PyDict_GetItemWithError(frame, path);
    if (old == NULL && PyErr_Occurred())
        return NULL;
    PyObject *n = old == NULL ? (Py_INCREF(ig.one), ig.one) : PyNumber_Add(old, ig.one);
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
    return PyObject_RichCompareBool(n, ig.one, Py_LT);
}

int
igcounts_is_not_used(PyObject *node)
{
    PyObject *usage = PyObject_GetAttr(node, ig.usage);
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
    PyObject *parent = PyObject_GetAttr(node, ig.parent);
    PyObject *path = parent ? PyObject_GetAttr(node, ig.path) : NULL;
    PyObject *frame = path ? igcounts_frame_of(frames, parent) : NULL;
    PyObject *n = frame ? igcounts_count_up(frame, path) : NULL;
    Py_XDECREF(parent);
    Py_XDECREF(path);
    return n;
}

static int
replay_op(PyObject *frames, PyObject *op, PyObject **missing, PyObject **pending)
{
    long kind = PyLong_AsLong(PyTuple_GET_ITEM(op, 0));
    PyObject *a = PyTuple_GET_ITEM(op, 1), *parent, *path;
    int r = 0;
    if (kind == 0 || kind == 1) { /* a required segment / loop: counted yet? */
        PyObject *counted = kind == 0 ? a : PyTuple_GET_ITEM(op, 2);
        parent = PyObject_GetAttr(counted, ig.parent);
        path = PyObject_GetAttr(counted, ig.path);
        r = parent && path ? uncounted(frames, parent, path) : -1;
        Py_XDECREF(parent);
        Py_XDECREF(path);
        if (r == 1)
            r = kind == 0 ? add(missing, ig.code_3, a, Py_None) : add(missing, ig.code_3L, a, counted);
        return r;
    }
    if (kind == 5)
        return add(missing, ig.code_3, a, Py_None);
    if (kind == 6)
        return add(missing, ig.code_3L, a, PyTuple_GET_ITEM(op, 2));
    if (kind == 2) { /* a match in the open loop */
        PyObject *n = count_in_parent(frames, a);
        if (n == NULL)
            return -1;
        int not_used = igcounts_is_not_used(a);
        r = not_used < 0 ? -1 : not_used ? add(pending, ig.code_2, a, Py_None) : 0;
        if (r == 0 && !not_used) {
            int o = over(n, a, ig.max_use);
            r = o < 0 ? -1 : o ? add(pending, ig.code_5, a, n) : 0;
        }
        Py_DECREF(n);
        if (r < 0 || *missing == NULL)
            return r;
        PyObject *pos = PyObject_GetAttr(a, ig.pos), *keep = PyList_New(0);
        for (Py_ssize_t i = 0; r == 0 && pos && keep && i < PyList_GET_SIZE(*missing); i++) {
            PyObject *m = PyList_GET_ITEM(*missing, i), *node = PyTuple_GET_ITEM(m, 1);
            if (node == a)
                continue;
            PyObject *mpos = PyObject_GetAttr(node, ig.pos);
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
        int not_used = igcounts_is_not_used(a);
        if (not_used < 0)
            return -1;
        if (not_used) {
            if (add(pending, ig.code_2L, a, Py_None) < 0)
                return -1;
        }
        else {
            PyObject *empty = PyDict_New();
            r = empty ? PyDict_SetItem(frames, a, empty) : -1;
            Py_XDECREF(empty);
            PyObject *wrappers = r == 0 ? PyObject_GetAttr(a, ig.wrappers) : NULL;
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
            int o = over(n, a, ig.repeat);
            r = o < 0 ? -1 : o ? add(pending, ig.code_4, a, n) : 0;
            Py_DECREF(n);
            if (r < 0)
                return -1;
        }
        PyObject *frame = igcounts_frame_of(frames, a);
        path = frame ? PyObject_GetAttr(first, ig.path) : NULL;
        PyObject *n = path ? igcounts_count_up(frame, path) : NULL;
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
    return add(pending, ig.code_1, a, Py_None); /* nothing matched */
}

int
igcounts_replay(PyObject *walker, PyObject *frames, PyObject *ops, PyObject *seg)
{
    PyObject *missing = NULL, *pending = NULL;
    int r = 0;
    for (Py_ssize_t i = 0; r == 0 && i < PyTuple_GET_SIZE(ops); i++)
        r = replay_op(frames, PyTuple_GET_ITEM(ops, i), &missing, &pending);
    for (Py_ssize_t i = 0; r == 0 && pending != NULL && i < PyList_GET_SIZE(pending); i++) {
        PyObject *done = PyObject_CallMethodObjArgs(walker, ig.segment_problem,
                                                    PyList_GET_ITEM(pending, i), seg, NULL);
        r = done == NULL ? -1 : 0;
        Py_XDECREF(done);
    }
    Py_XDECREF(missing);
    Py_XDECREF(pending);
    return r;
}
