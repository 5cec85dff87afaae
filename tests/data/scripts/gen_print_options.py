# torch.set_printoptions vectors from real PyTorch 1.13 (run with /usr/bin/python3 gen_print_options.py OUT,
# e.g. tests/data/print_options.json). Each case applies a sequence of set_printoptions calls (each with only
# the keywords listed, so later calls show what is kept and what is reset) and records the tensor's repr;
# the options return to the default profile and automatic sci_mode between cases.
import json, struct, sys, torch

torch.manual_seed(3)
cases = []

def values_of(t):
    if t.is_complex():
        return {"real": values_of(t.real)["hex"], "imag": values_of(t.imag)["hex"]}
    flat = t.reshape(-1).tolist()
    if t.dtype == torch.float32: return {"hex": ["0x%08x" % struct.unpack('<I', struct.pack('<f', v))[0] for v in flat]}
    if t.dtype == torch.float64: return {"hex": ["0x%016x" % struct.unpack('<Q', struct.pack('<d', v))[0] for v in flat]}
    return {"int": flat}

def add(desc, calls, t):
    for c in calls:
        torch.set_printoptions(**c)
    r = repr(t)
    torch.set_printoptions(profile="default", sci_mode=None)
    cases.append({"desc": desc, "calls": calls, "shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""),
                  "values": values_of(t), "repr": r})

r34 = torch.rand(3, 4)
add("precision 2", [{"precision": 2}], r34)
add("precision 2 then precision 4 (the course's cell 10)", [{"precision": 2}, {"precision": 4}], r34)
add("precision 0", [{"precision": 0}], r34 * 10)
add("precision 8 float64", [{"precision": 8}], torch.rand(3, dtype=torch.float64))
add("profile short", [{"profile": "short"}], torch.randn(3, 3))
add("profile short summarises with 2 edge items", [{"profile": "short"}], torch.arange(2000.0))
add("profile full prints every element", [{"profile": "full"}], torch.arange(1200))
add("profile full with linewidth 120", [{"profile": "full", "linewidth": 120}], torch.randn(1100))
add("profile default after short", [{"profile": "short"}, {"profile": "default"}], torch.randn(2, 3))
add("a later call without profile keeps the short profile", [{"profile": "short"}, {"precision": 6}], torch.arange(2000.0) / 7)
add("profile then an override in one call", [{"profile": "short", "precision": 3}], torch.randn(4))
add("threshold 5 edgeitems 1", [{"threshold": 5, "edgeitems": 1}], torch.arange(10))
add("threshold 5 edgeitems 2 on 2-D", [{"threshold": 5, "edgeitems": 2}], torch.randn(6, 6))
add("threshold 8 on 3-D ints", [{"threshold": 8}], torch.arange(60).reshape(3, 4, 5))
add("linewidth 40", [{"linewidth": 40}], torch.randn(12))
add("linewidth 30 wraps rows of a matrix", [{"linewidth": 30}], torch.randn(2, 8))
add("linewidth 50 bools", [{"linewidth": 50}], torch.rand(20) > 0.5)
add("linewidth 40 moves the dtype suffix", [{"linewidth": 40}], torch.tensor([1.5, 2.25, 3.125, 4.0625], dtype=torch.float64))
add("sci_mode True", [{"sci_mode": True}], torch.tensor([1.0, 2.5, 3.0]))
add("sci_mode True integers", [{"sci_mode": True}], torch.tensor([1.0, 2.0]))
add("sci_mode True leaves all zeros alone", [{"sci_mode": True}], torch.zeros(3))
add("sci_mode True leaves only non-finite alone", [{"sci_mode": True}], torch.tensor([float("inf"), 0.0, float("nan")]))
add("sci_mode False small values keep the sci width", [{"sci_mode": False}], torch.tensor([1e-9, 1.0]))
add("sci_mode False large integers", [{"sci_mode": False}], torch.tensor([1e10, 1.0]))
add("sci_mode False with precision 6", [{"sci_mode": False, "precision": 6}], torch.tensor([0.00001234, 123.5]))
add("sci_mode is reset by a later call without it", [{"sci_mode": True}, {"precision": 3}], torch.tensor([0.5, 0.25]))
add("sci_mode True precision 2", [{"sci_mode": True, "precision": 2}], torch.randn(2, 2))
add("0-dim under precision 1", [{"precision": 1}], torch.tensor(3.14159))
add("ints ignore precision", [{"precision": 1}], torch.tensor([[10, -2], [3, 400]]))
add("complex under precision 2", [{"precision": 2}], torch.complex(torch.tensor([1.5, -0.25]), torch.tensor([0.125, 2.0])))
add("complex under sci_mode True", [{"sci_mode": True}], torch.complex(torch.tensor([1.5, -0.25]), torch.tensor([0.125, 2.0])))

# One case per line keeps the file readable in a diff despite the long value lists.
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write('{"generator": "tests/data/scripts/gen_print_options.py", "torch": %s, "cases": [\n' % json.dumps(torch.__version__))
    f.write(",\n".join(json.dumps(c) for c in cases))
    f.write("\n]}\n")
