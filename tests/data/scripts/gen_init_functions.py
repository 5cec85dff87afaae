# Makes tests/data/init_functions.json with real PyTorch: torch.nn.init functions after manual_seed.
import json, struct, torch
def hexes(t): return [struct.unpack('<I', struct.pack('<f', float(v)))[0] for v in t.flatten().tolist()]
cases = []
def case(name, shape, fn, seed=0, dtype=torch.float32):
    torch.manual_seed(seed)
    t = torch.empty(*shape, dtype=dtype)
    fn(t)
    c = {"name": name, "shape": list(shape), "dtype": str(dtype).replace("torch.", "")}
    if dtype == torch.float32: c["hex"] = hexes(t)
    else: c["values"] = t.flatten().tolist()
    cases.append(c)
I = torch.nn.init
case("uniform(-2,3)", (3, 5), lambda t: I.uniform_(t, -2.0, 3.0))
case("normal(1,0.5)", (4, 5), lambda t: I.normal_(t, 1.0, 0.5))
case("normal(0,1) n=7", (7,), lambda t: I.normal_(t))
case("constant(0.25)", (2, 3), lambda t: I.constant_(t, 0.25))
case("xavier_uniform", (4, 6), lambda t: I.xavier_uniform_(t))
case("xavier_uniform gain=2", (3, 2, 5), lambda t: I.xavier_uniform_(t, gain=2.0))
case("xavier_normal", (5, 4), lambda t: I.xavier_normal_(t))
case("kaiming_uniform", (6, 3), lambda t: I.kaiming_uniform_(t))
case("kaiming_uniform a=sqrt5", (2, 4), lambda t: I.kaiming_uniform_(t, a=5 ** 0.5))
case("kaiming_uniform fan_out relu", (3, 4, 2), lambda t: I.kaiming_uniform_(t, mode='fan_out', nonlinearity='relu'))
case("kaiming_normal", (4, 8), lambda t: I.kaiming_normal_(t))
case("kaiming_normal fan_out relu", (5, 3), lambda t: I.kaiming_normal_(t, mode='fan_out', nonlinearity='relu'))
case("xavier_uniform f64", (3, 4), lambda t: I.xavier_uniform_(t), dtype=torch.float64)
case("kaiming_normal f64", (4, 5), lambda t: I.kaiming_normal_(t), dtype=torch.float64)
gains = {k: I.calculate_gain(*k) if isinstance(k, tuple) else I.calculate_gain(k) for k in ["linear", "sigmoid", "tanh", "relu", "selu", "conv1d"]}
gains["leaky_relu"] = I.calculate_gain("leaky_relu")
gains["leaky_relu 0.2"] = I.calculate_gain("leaky_relu", 0.2)
json.dump({"about": "Made by tests/data/scripts/gen_init_functions.py with Debian's PyTorch 1.13.1 (CPU, AVX2): torch.manual_seed(seed); t = torch.empty(shape); torch.nn.init.<fn>_(t). float32 values as IEEE bit patterns.", "cases": cases, "gains": gains}, open("tests/data/init_functions.json", "w"), indent=1)
