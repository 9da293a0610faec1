"""Read the constants of a frozen TensorFlow graph (``GraphDef`` protobuf) without TensorFlow or OpenCV.

A frozen graph stores every weight as a ``Const`` node. This reads the protobuf wire format directly
(varints and length-delimited fields; the message layouts are TensorFlow's ``graph.proto``,
``node_def.proto``, ``attr_value.proto``, ``tensor.proto`` and ``tensor_shape.proto``), which is all
the FaceNet port needs: OpenCV's TensorFlow reader, which it used before, is gone from OpenCV 5 and
rejects this graph from 4.10 on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# TensorFlow's DataType enum: the dtypes a weight can have
_DTYPES = {1: np.float32, 2: np.float64, 3: np.int32, 9: np.int64, 19: np.float16}
# TensorProto's repeated fields of each dtype, for tensors not stored as tensor_content
_VALUE_FIELDS = {1: 5, 2: 6, 3: 7, 9: 10}  # float_val, double_val, int_val, int64_val


@dataclass
class Node:
    name: str
    op: str
    inputs: list[str] = field(default_factory=list)
    value: np.ndarray | None = None  # a Const node's tensor
    attrs: dict = field(default_factory=dict)  # the other attributes: str, int, float, bool or a list of ints


def _varint(b: memoryview, i: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = b[i]
        i += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, i


def _fields(b: memoryview):
    """(field number, wire type, value) of each field of one message: an int for varints, bytes otherwise."""
    i, n = 0, len(b)
    while i < n:
        key, i = _varint(b, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(b, i)
        elif wire == 1:
            value, i = b[i:i + 8], i + 8
        elif wire == 2:
            size, i = _varint(b, i)
            value, i = b[i:i + size], i + size
        elif wire == 5:
            value, i = b[i:i + 4], i + 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}: not a TensorFlow GraphDef")
        if i > n:
            raise ValueError("truncated protobuf message: the graph file is damaged")
        yield number, wire, value


def _tensor(b: memoryview) -> np.ndarray:
    dtype, shape, content, values = None, [], None, []
    for number, wire, value in _fields(b):
        if number == 1:
            dtype = value
        elif number == 2:  # TensorShapeProto: repeated Dim dim = 2, Dim.size = 1
            shape = [next((s for k, _, s in _fields(d) if k == 1), 0) for k, _, d in _fields(value) if k == 2]
        elif number == 4:
            content = bytes(value)
        elif number == _VALUE_FIELDS.get(dtype, -1):
            values.append((wire, value))
    if dtype not in _DTYPES:
        raise ValueError(f"unsupported tensor dtype {dtype} in the graph")
    np_dtype = np.dtype(_DTYPES[dtype]).newbyteorder("<")
    if content is not None:
        return np.frombuffer(content, np_dtype).reshape(shape).astype(_DTYPES[dtype])
    flat: list = []
    for wire, value in values:
        if wire == 2:  # packed
            if np_dtype.kind == "f":
                flat.extend(np.frombuffer(bytes(value), np_dtype).tolist())
            else:
                flat.extend(_packed_ints(value))
        elif wire == 5:
            flat.append(float(np.frombuffer(bytes(value), "<f4")[0]))
        elif wire == 1:
            flat.append(float(np.frombuffer(bytes(value), "<f8")[0]))
        else:
            flat.append(_signed(value))
    count = int(np.prod(shape)) if shape else 1
    array = np.array(flat, dtype=_DTYPES[dtype])
    if array.size == 1 and count != 1:  # one value stands for all ("fill")
        array = np.full(count, array[0], dtype=_DTYPES[dtype])
    return array.reshape(shape)


# AttrValue's scalar fields: s = 2 (bytes), i = 3, f = 4, b = 5, type = 6
_ATTR_SCALARS = {2: lambda v: bytes(v).decode(errors="replace"), 3: int,
                 4: lambda v: float(np.frombuffer(bytes(v), "<f4")[0]), 5: bool, 6: int}


def _signed(value: int) -> int:
    """A varint as the signed 64-bit integer protobuf's int32/int64 fields encode (-1 is 2**64 - 1)."""
    return value - (1 << 64) if value >= 1 << 63 else value


def _packed_ints(b: memoryview) -> list[int]:
    out, i = [], 0
    while i < len(b):
        x, i = _varint(b, i)
        out.append(_signed(x))
    return out


def _ints(list_value: memoryview) -> list[int]:
    """ListValue.i (field 3) of an attribute: its ints, packed or not."""
    out = []
    for j, wire, v in _fields(list_value):
        if j == 3:
            out.extend([_signed(v)] if wire == 0 else _packed_ints(v))
    return out


def read_graph(path: str | Path) -> dict[str, Node]:
    """{node name: :class:`Node`} of a frozen GraphDef, with every ``Const`` node's tensor read."""
    data = memoryview(Path(path).read_bytes())
    nodes: dict[str, Node] = {}
    for number, _, node_bytes in _fields(data):
        if number != 1:  # GraphDef.node
            continue
        node = Node("", "")
        tensor = None
        for k, _, value in _fields(node_bytes):
            if k == 1:
                node.name = bytes(value).decode()
            elif k == 2:
                node.op = bytes(value).decode()
            elif k == 3:
                node.inputs.append(bytes(value).decode().split(":")[0])
            elif k == 5:  # map<string, AttrValue> attr: entries of key = 1, value = 2
                entry = dict((j, v) for j, _, v in _fields(value))
                key = bytes(entry.get(1, b"")).decode()
                for j, _, v in _fields(entry.get(2, b"")):
                    if j == 8:  # AttrValue.tensor
                        tensor = v if key == "value" else tensor
                    elif j in _ATTR_SCALARS:
                        node.attrs[key] = _ATTR_SCALARS[j](v)
                    elif j == 1:  # AttrValue.list: its ints (ListValue.i = 3), packed or not
                        node.attrs[key] = _ints(v)
        if node.op == "Const" and tensor is not None:
            node.value = _tensor(tensor)
        nodes[node.name] = node
    if not nodes:
        raise ValueError(f"{path}: no graph nodes found; is it a frozen TensorFlow GraphDef (.pb)?")
    return nodes
