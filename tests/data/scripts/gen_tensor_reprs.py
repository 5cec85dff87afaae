# Extra tensor repr cases from real PyTorch 1.13 (run with /usr/bin/python3).
import json, struct, torch
torch.manual_seed(7)
cases = []
def add(desc, t, opts=None, grad_fn=None):
    if opts: torch.set_printoptions(**opts)
    r = repr(t)
    torch.set_printoptions(profile="default")
    flat = t.detach().reshape(-1).tolist()
    if t.dtype == torch.float32: vals = {"hex": ["0x%08x" % struct.unpack('<I', struct.pack('<f', v))[0] for v in flat]}
    elif t.dtype == torch.float64: vals = {"hex": ["0x%016x" % struct.unpack('<Q', struct.pack('<d', v))[0] for v in flat]}
    else: vals = {"int": flat}
    cases.append({"desc": desc, "shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""),
                  "requires_grad": t.requires_grad, "grad_fn": None if t.grad_fn is None else type(t.grad_fn).__name__,
                  "options": opts or {}, "values": vals, "repr": r})
add("negative zero and one", torch.tensor([-0.0, 1.0]))
add("negative zero fixed", torch.tensor([-0.0, 0.5, -1.25]))
add("all zeros 2x2", torch.zeros(2, 2))
add("nan inf -inf fixed", torch.tensor([float('nan'), float('inf'), -float('inf'), 0.5]))
add("only nonfinite", torch.tensor([float('nan'), float('inf'), -float('inf')]))
add("int mode with inf", torch.tensor([1.0, -float('inf'), 100.0]))
add("int mode sci by ratio", torch.tensor([1.0, 5000.0]))
add("int mode sci by size", torch.tensor([2e8, 3e8]))
add("sci small", torch.tensor([1e-7, -3.5e-6, 0.0]))
add("sci large ratio with nan", torch.tensor([0.001, 12.5, float('nan')]))
add("float64 3-digit exponent", torch.tensor([1e-300, 1.0], dtype=torch.float64))
add("float64 fixed", torch.tensor([[0.1, 0.2], [0.3, -0.4]], dtype=torch.float64))
add("randn 4x30 wraps rows", torch.randn(4, 30))
add("randn 2x3x4x5", torch.randn(2, 3, 4, 5))
add("randn 11x11x11 summarised 3-D", torch.randn(11, 11, 11))
add("rand 1001 summarised", torch.rand(1001))
add("randn 3x400 summarised rows short", torch.randn(3, 400))
add("scaled randn", torch.randn(25) * 1000)
add("tiny rand", torch.rand(7) * 1e-3)
add("0-dim negative", torch.tensor(-0.0001234))
add("0-dim int", torch.tensor(5))
add("0-dim bool", torch.tensor(False))
add("int64 negative widths", torch.tensor([[-100, 2, 3], [4, 55555, -6]]))
add("int64 summarised", torch.arange(3000).reshape(30, 100))
add("int32", torch.tensor([1, 2], dtype=torch.int32))
add("int64 empty", torch.tensor([], dtype=torch.int64))
add("float64 empty 0x3", torch.zeros(0, 3, dtype=torch.float64))
add("empty 2x0x4", torch.zeros(2, 0, 4))
add("bool 2x3", torch.tensor([[True, False, True], [False, False, True]]))
x = torch.randn(3, 7, requires_grad=True)
add("requires_grad long rows", x)
y = (x * 2).sum(dim=1)
add("grad_fn SumBackward1", y)
z = torch.randn(9, requires_grad=True, dtype=torch.float64)
add("float64 grad wraps suffix", z * 3)
w = torch.randn(8, requires_grad=True)
add("suffix wrapping 1-D 8 elems", w + 1)
add("precision 2", torch.tensor([1.23456, -7.891]), {"precision": 2})
add("precision 6 sci", torch.tensor([1e-7, 2.0]), {"precision": 6})
add("threshold 5 edgeitems 2", torch.arange(20.).reshape(4, 5), {"threshold": 5, "edgeitems": 2})
add("linewidth 40", torch.rand(12), {"linewidth": 40})
add("sci_mode False", torch.tensor([1e-7, 2.0]), {"sci_mode": False})
add("sci_mode True", torch.tensor([1.5, 2.0]), {"sci_mode": True})
print(json.dumps({"about": "Extra tensor reprs printed by real PyTorch 1.13 (Debian python3-torch, torch.__version__ 1.13.0a0, /usr/bin/python3) "
                  "with tests/data/scripts/gen_tensor_reprs.py, manual_seed(7); 'hex' = IEEE-754 bit patterns of the row-major values "
                  "(float32: 8 hex digits, float64: 16); 'options' = torch.set_printoptions arguments used for that repr only.",
                  "tensors": cases}, indent=0))
