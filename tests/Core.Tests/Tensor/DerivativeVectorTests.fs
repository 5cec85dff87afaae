/// Reverse-mode (VJP) and forward-mode (JVP) derivatives of every differentiable op on the managed backend
/// against torch 1.13's autograd.grad and forward_ad, bit for bit (derivatives.json, gen_derivatives.py).
module DerivativeVectorTests

open System
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.Ops
open Fluxion.Backend

open DerivativeCases

let private p (c: JsonElement) (name: string) = c.GetProperty("params").GetProperty name
let private pf c name = (p c name).GetDouble()
let private pi c name = (p c name).GetInt32()
let private pb c name = (p c name).GetBoolean()
let private pints c name = ints (p c name)
let private longs (e: JsonElement) (shape: int[]) =
    let flat = [| for row in e.EnumerateArray() do
                    if row.ValueKind = JsonValueKind.Array then yield! [ for v in row.EnumerateArray() -> v.GetInt64() ] else yield row.GetInt64() |]
    Creation.ofInt64 shape flat

let private unary (f: JsonElement -> Tensor -> Tensor) = fun c (xs: Tensor[]) -> f c xs.[0]
let private binary (f: JsonElement -> Tensor -> Tensor -> Tensor) = fun c (xs: Tensor[]) -> f c xs.[0] xs.[1]

/// The engine's call for each op name of the generator.
let private ops : Map<string, JsonElement -> Tensor[] -> Tensor> =
    Map.ofList [
        "neg", unary (fun _ x -> -x)
        "abs", unary (fun _ x -> Elementwise.abs x)
        "exp", unary (fun _ x -> Elementwise.exp x)
        "log", unary (fun _ x -> Elementwise.log x)
        "sqrt", unary (fun _ x -> Elementwise.sqrt x)
        "sin", unary (fun _ x -> Elementwise.sin x)
        "cos", unary (fun _ x -> Elementwise.cos x)
        "tan", unary (fun _ x -> Elementwise.tan x)
        "tanh", unary (fun _ x -> Elementwise.tanh x)
        "sigmoid", unary (fun _ x -> Elementwise.sigmoid x)
        "relu", unary (fun _ x -> Elementwise.relu x)
        "leaky_relu", unary (fun c x -> Elementwise.leakyRelu (pf c "slope") x)
        "elu", unary (fun c x -> Elementwise.elu (pf c "alpha") x)
        "softplus", unary (fun _ x -> Elementwise.softplus x)
        "erf", unary (fun _ x -> Elementwise.erf x)
        "gelu", unary (fun _ x -> Elementwise.gelu x)
        "log1p", unary (fun _ x -> Elementwise.log1p x)
        "expm1", unary (fun _ x -> Elementwise.expm1 x)
        "square", unary (fun _ x -> Elementwise.square x)
        "reciprocal", unary (fun _ x -> Elementwise.reciprocal x)
        "sinh", unary (fun _ x -> Elementwise.sinh x)
        "cosh", unary (fun _ x -> Elementwise.cosh x)
        "atan", unary (fun _ x -> Elementwise.atan x)
        "asin", unary (fun _ x -> Elementwise.asin x)
        "acos", unary (fun _ x -> Elementwise.acos x)
        "clamp", unary (fun c x -> Elementwise.clamp (pf c "lo") (pf c "hi") x)
        "pow_scalar", unary (fun c x -> Tensor.Pow(x, pf c "e"))
        "add_scalar", unary (fun c x -> x + pf c "s")
        "sub_scalar", unary (fun c x -> x - pf c "s")
        "rsub_scalar", unary (fun c x -> pf c "s" - x)
        "mul_scalar", unary (fun c x -> x * pf c "s")
        "div_scalar", unary (fun c x -> x / pf c "s")
        "rdiv_scalar", unary (fun c x -> pf c "s" / x)
        "add", binary (fun _ a b -> a + b)
        "sub", binary (fun _ a b -> a - b)
        "mul", binary (fun _ a b -> a * b)
        "div", binary (fun _ a b -> a / b)
        "pow", binary (fun _ a b -> Tensor.Pow(a, b))
        "maximum", binary (fun _ a b -> Elementwise.maximum a b)
        "minimum", binary (fun _ a b -> Elementwise.minimum a b)
        "atan2", binary (fun _ a b -> Elementwise.atan2 a b)
        "where", binary (fun c a b -> Tensor.Where(a.Detach().CompareScalar(CompareKind.Gt, pf c "t"), a, b))
        "sum", unary (fun _ x -> x.Sum())
        "sum_dim", unary (fun c x -> x.Sum([| pi c "dim" |], pb c "keep"))
        "mean", unary (fun _ x -> Reductions.mean x)
        "mean_dim", unary (fun c x -> Reductions.meanDim (pi c "dim") (pb c "keep") x)
        "var", unary (fun _ x -> Reductions.var 1 x)
        "std", unary (fun _ x -> Reductions.std 1 x)
        "max", unary (fun _ x -> Reductions.max x)
        "min", unary (fun _ x -> Reductions.min x)
        "max_dim", unary (fun c x -> let struct (v, _) = Reductions.maxDim (pi c "dim") (pb c "keep") x in v)
        "min_dim", unary (fun c x -> let struct (v, _) = Reductions.minDim (pi c "dim") (pb c "keep") x in v)
        "logsumexp", unary (fun c x -> Reductions.logsumexp (pi c "dim") (pb c "keep") x)
        "softmax", unary (fun c x -> Reductions.softmax (pi c "dim") x)
        "log_softmax", unary (fun c x -> Reductions.logSoftmax (pi c "dim") x)
        "matmul", binary (fun _ a b -> Tensor.MatMul(a, b))
        "reshape", unary (fun c x -> x.Reshape(pints c "shape"))
        "permute", unary (fun c x -> x.Permute(pints c "perm"))
        "transpose", unary (fun c x -> x.Transpose(pi c "d0", pi c "d1"))
        "expand", unary (fun c x -> x.Expand(pints c "shape"))
        "cat", fun c xs -> Shapes.cat (pi c "dim") xs
        "stack", fun c xs -> Shapes.stack (pi c "dim") xs
        "select", unary (fun c x -> x.Select(pi c "dim", pi c "index"))
        "narrow", unary (fun c x -> x.Narrow(pi c "dim", pi c "start", pi c "length"))
        "gather", unary (fun c x ->
            let e = p c "index"
            Indexing.gather (pi c "dim") (longs e [| e.GetArrayLength(); e.[0].GetArrayLength() |]) x)
        "index_select", unary (fun c x -> let e = p c "index" in Indexing.indexSelect (pi c "dim") (longs e [| e.GetArrayLength() |]) x)
        "flip", unary (fun c x -> Shapes.flip (pints c "dims") x)
        "repeat", unary (fun c x -> Shapes.repeat (pints c "reps") x)
        "conv1d", fun c xs -> Convolution.conv1d (pi c "stride") (pi c "padding") (pi c "dilation") (pi c "groups") xs.[1] (Some xs.[2]) xs.[0]
        "max_pool1d", unary (fun c x -> Convolution.maxPool1d (pi c "k") (pi c "stride") (pi c "padding") 1 x)
        "avg_pool1d", unary (fun c x -> Convolution.avgPool1d (pi c "k") (pi c "stride") (pi c "padding") x)
    ]

/// Ops whose managed values or derivatives do not match PyTorch's bits, with the measured worst ulp distance and
/// an absolute difference below which elements are not counted (0: every element counts). Empty: every op is
/// bit-exact. An entry added here must carry its cause (and the README's "Derivatives, bit for bit" section too).
let private tolerance : Map<string, int64 * float> =
    Map.ofList [
    ]

[<Tests>]
let tests = suite "DerivativeVectors" "derivatives.json" ops tolerance
