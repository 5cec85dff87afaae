/// The table of every differentiable op; each row generates its first- and second-order checks.
module OpTableTests

open System
open Expecto
open Fluxion
open Fluxion.Ops
open GradCheck

module E = Elementwise
module R = Reductions
module S = Shapes
module I = Indexing
module C = Convolution

let private i64 (shape: int[]) (data: int64[]) = Creation.ofInt64 shape data
let private mask (shape: int[]) (data: bool[]) = Creation.ofBool shape data
/// Pieces of `pick` (index 0 of a split/chunk) reassembled in reverse order, so every piece matters.
let private reassemble dim (pieces: Tensor[]) = S.cat dim (Array.rev pieces)

/// Every differentiable op: name, inputs, function, smoothness. Add an op here to get its checks.
let table : OpCase list =
    [ // arithmetic, with broadcasting and scalar operands on both sides
      binary "add (2,3)+(2,3)" (normal [| 2; 3 |]) (normal [| 2; 3 |]) (+) true
      binary "add broadcast (2,3)+(3,)" (normal [| 2; 3 |]) (normal [| 3 |]) (+) true
      binary "add broadcast (2,1)+(1,3)" (normal [| 2; 1 |]) (normal [| 1; 3 |]) (+) true
      binary "add broadcast ()+(2,3)" (normal [||]) (normal [| 2; 3 |]) (+) true
      unary "add tensor+scalar" (normal [| 2; 3 |]) (fun x -> x + 1.7) true
      unary "add scalar+tensor" (normal [| 2; 3 |]) (fun x -> 1.7 + x) true
      binary "sub broadcast (3,1,2)-(2,)" (normal [| 3; 1; 2 |]) (normal [| 2 |]) (-) true
      binary "sub broadcast (3,)-(2,3)" (normal [| 3 |]) (normal [| 2; 3 |]) (-) true
      unary "sub tensor-scalar" (normal [| 4 |]) (fun x -> x - 0.4) true
      unary "sub scalar-tensor" (normal [| 4 |]) (fun x -> 0.4 - x) true
      binary "mul (2,3)*(2,3)" (normal [| 2; 3 |]) (normal [| 2; 3 |]) (*) true
      binary "mul broadcast (4,1)*(3,)" (normal [| 4; 1 |]) (normal [| 3 |]) (*) true
      binary "mul same tensor twice" (normal [| 3 |]) (normal [| 3 |]) (fun a b -> a * a * b) true
      unary "mul tensor*scalar" (normal [| 2; 2 |]) (fun x -> x * 2.5) true
      unary "mul scalar*tensor" (normal [| 2; 2 |]) (fun x -> 2.5 * x) true
      binary "div (2,3)/(2,3)" (normal [| 2; 3 |]) (nonzero [| 2; 3 |]) (/) true
      binary "div broadcast (2,3)/(2,1)" (normal [| 2; 3 |]) (nonzero [| 2; 1 |]) (/) true
      binary "div broadcast (3,)/(2,3)" (normal [| 3 |]) (nonzero [| 2; 3 |]) (/) true
      unary "div tensor/scalar" (normal [| 5 |]) (fun x -> x / 1.3) true
      unary "div scalar/tensor" (nonzero [| 5 |]) (fun x -> 1.3 / x) true
      unary "pow scalar exponent 2.5" (positive [| 2; 3 |]) (fun x -> Tensor.Pow(x, 2.5)) true
      unary "pow scalar exponent 2" (normal [| 2; 3 |]) (fun x -> Tensor.Pow(x, 2.0)) true
      unary "pow integer exponent 3 (**)" (normal [| 2; 3 |]) (fun x -> x ** 3) true
      unary "pow negative exponent -1.5" (positive [| 4 |]) (Tensor.pow -1.5) true
      binary "pow tensor exponent broadcast (2,3)**(3,)" (positive [| 2; 3 |]) (normal [| 3 |]) (fun a b -> Tensor.Pow(a, b)) true
      unary "pow scalar base 2**x" (normal [| 2; 3 |]) (fun x -> Tensor.Pow(2.0, x)) true
      // elementwise functions
      unary "neg" (normal [| 2; 3 |]) Tensor.neg true
      unary "abs" (nonzero [| 2; 3 |]) Tensor.abs false
      unary "exp" (normal [| 2; 3 |]) Tensor.exp true
      unary "log" (positive [| 2; 3 |]) Tensor.log true
      unary "sqrt" (positive [| 2; 3 |]) Tensor.sqrt true
      unary "sin" (normal [| 2; 3 |]) Tensor.sin true
      unary "cos" (normal [| 2; 3 |]) Tensor.cos true
      unary "tan" (uniform -1.2 1.2 [| 2; 3 |]) Tensor.tan true
      unary "tanh" (normal [| 2; 3 |]) Tensor.tanh true
      unary "sigmoid" (uniform -3.0 3.0 [| 2; 3 |]) Tensor.sigmoid true
      unary "relu" (nonzero [| 2; 3 |]) Tensor.relu false
      unary "leakyRelu 0.1" (nonzero [| 2; 3 |]) (Tensor.leakyRelu 0.1) false
      unary "softplus" (uniform -3.0 3.0 [| 2; 3 |]) Tensor.softplus true
      unary "softplus above its linear threshold" (uniform 21.0 24.0 [| 3 |]) Tensor.softplus true
      unary "elu 1.0" (nonzero [| 2; 3 |]) (Tensor.elu 1.0) true
      unary "elu 0.7" (nonzero [| 2; 3 |]) (Tensor.elu 0.7) true
      unary "gelu" (uniform -3.0 3.0 [| 2; 3 |]) Tensor.gelu true
      unary "erf" (normal [| 2; 3 |]) Tensor.erf true
      unary "log1p" (uniform -0.5 2.0 [| 2; 3 |]) E.log1p true
      unary "expm1" (normal [| 2; 3 |]) E.expm1 true
      unary "square" (normal [| 2; 3 |]) E.square true
      unary "reciprocal" (nonzero [| 2; 3 |]) E.reciprocal true
      unary "sinh" (normal [| 2; 3 |]) E.sinh true
      unary "cosh" (normal [| 2; 3 |]) E.cosh true
      unary "atan" (uniform -3.0 3.0 [| 2; 3 |]) E.atan true
      unary "clamp [-0.5, 0.5]" (awayFrom [ -0.5; 0.5 ] 0.1 -1.5 1.5 [| 3; 4 |]) (Tensor.clamp -0.5 0.5) false
      unary "clamp min only" (awayFrom [ 0.2 ] 0.1 -1.5 1.5 [| 3; 4 |]) (Tensor.clamp 0.2 nan) false
      unary "clamp max only" (awayFrom [ 0.2 ] 0.1 -1.5 1.5 [| 3; 4 |]) (Tensor.clamp nan 0.2) false
      nary "maximum (2,3) vs (2,3)" [ nonzero [| 2; 3 |]; uniform -0.05 0.05 [| 2; 3 |] ] (fun xs -> Tensor.maximum xs.[0] xs.[1]) false
      nary "maximum broadcast (2,3) vs (3,)" [ nonzero [| 2; 3 |]; uniform -0.05 0.05 [| 3 |] ] (fun xs -> Tensor.maximum xs.[0] xs.[1]) false
      nary "minimum broadcast (3,) vs (2,3)" [ uniform -0.05 0.05 [| 3 |]; nonzero [| 2; 3 |] ] (fun xs -> Tensor.minimum xs.[0] xs.[1]) false
      // reductions
      unary "sum all" (normal [| 2; 3 |]) Tensor.sum true
      unary "sum dim 1" (normal [| 2; 3 |]) (Tensor.sumDim 1 false) true
      unary "sum dim -1 keepDim" (normal [| 2; 3 |]) (Tensor.sumDim -1 true) true
      unary "sum dims [0; 2] keepDim" (normal [| 2; 3; 2 |]) (fun x -> x.Sum([| 0; 2 |], true)) true
      unary "sum dims [2; 0]" (normal [| 2; 3; 2 |]) (fun x -> x.Sum([| 2; 0 |], false)) true
      unary "mean all" (normal [| 2; 3 |]) Tensor.mean true
      unary "mean dim 0" (normal [| 2; 3 |]) (Tensor.meanDim 0 false) true
      unary "mean dims [0; 2] keepDim" (normal [| 2; 3; 2 |]) (R.meanDims [| 0; 2 |] true) true
      unary "var all" (normal [| 2; 3 |]) Tensor.var true
      unary "var dim 1" (normal [| 2; 3 |]) (R.varDims [| 1 |] 1 false) true
      unary "var dim 0 biased keepDim" (normal [| 3; 2 |]) (R.varDims [| 0 |] 0 true) true
      unary "std all" (normal [| 2; 3 |]) Tensor.std true
      unary "std dim 0" (normal [| 3; 2 |]) (R.stdDims [| 0 |] 1 false) true
      unary "max whole" (distinct [| 2; 3 |]) Tensor.max false
      unary "min whole" (distinct [| 2; 3 |]) Tensor.min false
      unary "max per dim 1" (distinct [| 3; 4 |]) (fun x -> let struct (v, _) = Tensor.maxDim 1 false x in v) false
      unary "min per dim 0 keepDim" (distinct [| 3; 4 |]) (fun x -> let struct (v, _) = Tensor.minDim 0 true x in v) false
      unary "logsumexp dim 1" (normal [| 2; 3 |]) (Tensor.logsumexp 1 false) true
      unary "logsumexp dim 0 keepDim" (normal [| 2; 3 |]) (Tensor.logsumexp 0 true) true
      unary "softmax dim 1" (normal [| 2; 3 |]) (Tensor.softmax 1) true
      unary "softmax dim 0" (normal [| 2; 3 |]) (Tensor.softmax 0) true
      unary "logSoftmax dim -1" (normal [| 2; 3 |]) (Tensor.logSoftmax -1) true
      // linear algebra
      binary "matmul 1-D·1-D" (normal [| 3 |]) (normal [| 3 |]) Tensor.matmul true
      binary "matmul 2-D·1-D" (normal [| 2; 3 |]) (normal [| 3 |]) Tensor.matmul true
      binary "matmul 1-D·2-D" (normal [| 3 |]) (normal [| 3; 4 |]) Tensor.matmul true
      binary "matmul 2-D·2-D" (normal [| 2; 3 |]) (normal [| 3; 4 |]) Tensor.matmul true
      binary "matmul batched (2,2,3)·(2,3,4)" (normal [| 2; 2; 3 |]) (normal [| 2; 3; 4 |]) Tensor.matmul true
      binary "matmul batched broadcast (2,1,2,3)·(3,3,2)" (normal [| 2; 1; 2; 3 |]) (normal [| 3; 3; 2 |]) Tensor.matmul true
      binary "matmul batched·1-D (2,2,3)·(3,)" (normal [| 2; 2; 3 |]) (normal [| 3 |]) Tensor.matmul true
      binary "matmul 1-D·batched (3,)·(2,3,4)" (normal [| 3 |]) (normal [| 2; 3; 4 |]) Tensor.matmul true
      binary "matmul of transposes aᵀ·bᵀ" (normal [| 3; 2 |]) (normal [| 4; 3 |]) (fun a b -> Tensor.matmul a.T b.T) true
      binary "dot" (normal [| 4 |]) (normal [| 4 |]) Tensor.dot true
      binary "outer" (normal [| 3 |]) (normal [| 2 |]) Tensor.outer true
      // shape ops
      unary "transpose 2-D" (normal [| 2; 3 |]) (Tensor.transpose 0 1) true
      unary "transpose 3-D dims 0,2" (normal [| 2; 3; 4 |]) (Tensor.transpose 0 2) true
      unary "permute [2;0;1]" (normal [| 2; 3; 4 |]) (Tensor.permute [| 2; 0; 1 |]) true
      unary "reshape (2,3)->(3,2)" (normal [| 2; 3 |]) (Tensor.reshape [| 3; 2 |]) true
      unary "reshape with -1" (normal [| 2; 3; 2 |]) (Tensor.reshape [| -1; 4 |]) true
      unary "view" (normal [| 2; 3 |]) (Tensor.view [| 6 |]) true
      unary "flatten" (normal [| 2; 3; 2 |]) Tensor.flatten true
      unary "flatten dims 1..2" (normal [| 2; 3; 2 |]) (S.flatten 1 2) true
      unary "squeeze" (normal [| 2; 1; 3; 1 |]) Tensor.squeeze true
      unary "squeeze dim 1" (normal [| 2; 1; 3 |]) (Tensor.squeezeDim 1) true
      unary "unsqueeze 1" (normal [| 2; 3 |]) (Tensor.unsqueeze 1) true
      unary "unsqueeze -1" (normal [| 2; 3 |]) (Tensor.unsqueeze -1) true
      unary "expand (3,1)->(3,4)" (normal [| 3; 1 |]) (Tensor.expand [| 3; 4 |]) true
      unary "expand (3,)->(2,2,3) new dims" (normal [| 3 |]) (Tensor.expand [| 2; 2; 3 |]) true
      unary "expand with -1" (normal [| 1; 3 |]) (Tensor.expand [| 4; -1 |]) true
      nary "stack dim 0" [ normal [| 2; 3 |]; normal [| 2; 3 |]; normal [| 2; 3 |] ] (Tensor.stack 0) true
      nary "stack dim -1" [ normal [| 2; 3 |]; normal [| 2; 3 |] ] (Tensor.stack -1) true
      nary "cat dim 0" [ normal [| 2; 3 |]; normal [| 1; 3 |] ] (Tensor.cat 0) true
      nary "cat dim 1 three pieces" [ normal [| 2; 1 |]; normal [| 2; 3 |]; normal [| 2; 2 |] ] (Tensor.cat 1) true
      unary "split size 2 dim 1" (normal [| 2; 5 |]) (fun x -> reassemble 1 (Tensor.split 2 1 x)) true
      unary "split sizes [1;3] dim 0" (normal [| 4; 2 |]) (fun x -> reassemble 0 (S.splitSizes [| 1; 3 |] 0 x)) true
      unary "chunk 3 dim 0" (normal [| 5; 2 |]) (fun x -> reassemble 0 (Tensor.chunk 3 0 x)) true
      unary "flip [0]" (normal [| 3; 2 |]) (Tensor.flip [| 0 |]) true
      unary "flip [0; -1]" (normal [| 3; 2 |]) (Tensor.flip [| 0; -1 |]) true
      unary "repeat [2;3]" (normal [| 2; 2 |]) (Tensor.repeat [| 2; 3 |]) true
      unary "repeat adding a dim [2;1;2]" (normal [| 2; 3 |]) (Tensor.repeat [| 2; 1; 2 |]) true
      unary "pad last dim with zeros" (normal [| 2; 3 |]) (Tensor.pad [| 1; 2 |] 0.0) true
      unary "pad two dims with value 0.5" (normal [| 2; 3 |]) (Tensor.pad [| 1; 1; 2; 0 |] 0.5) true
      // indexing and selection
      unary "select dim 1 index 2" (normal [| 2; 3; 2 |]) (Tensor.select 1 2) true
      unary "select negative index" (normal [| 2; 3 |]) (Tensor.select 0 -1) true
      unary "narrow dim 1" (normal [| 2; 5 |]) (Tensor.narrow 1 1 3) true
      unary "slice with step 2" (normal [| 2; 5 |]) (fun x -> x.Slice(1, 0, 5, 2)) true
      unary "slice t.[1..2]" (normal [| 4; 2 |]) (fun x -> x.[1..2]) true
      unary "index t.[i]" (normal [| 3; 2 |]) (fun x -> x.[1]) true
      unary "index t.[i, j]" (normal [| 3; 2 |]) (fun x -> x.[2, 1]) true
      unary "index t.[i, j, k]" (normal [| 2; 3; 2 |]) (fun x -> x.[1, 0, 1]) true
      unary "gather dim 1 with repeated indices" (normal [| 2; 3 |]) (Tensor.gather 1 (i64 [| 2; 4 |] [| 0L; 2L; 2L; 1L; 1L; 1L; 0L; 2L |])) true
      unary "gather dim 0" (normal [| 3; 2 |]) (Tensor.gather 0 (i64 [| 2; 2 |] [| 2L; 0L; 2L; 2L |])) true
      unary "indexSelect dim 0" (normal [| 3; 2 |]) (I.indexSelect 0 (i64 [| 4 |] [| 2L; 0L; 2L; 1L |])) true
      unary "indexSelect dim 1" (normal [| 2; 3 |]) (I.indexSelect 1 (i64 [| 2 |] [| 1L; 1L |])) true
      binary "where (2,3) (2,3)" (normal [| 2; 3 |]) (normal [| 2; 3 |])
          (Tensor.where (mask [| 2; 3 |] [| true; false; false; true; true; false |])) true
      binary "where broadcast cond (3,) a (2,3) b (2,1)" (normal [| 2; 3 |]) (normal [| 2; 1 |])
          (Tensor.where (mask [| 3 |] [| false; true; false |])) true
      // convolution and pooling
      binary "conv1d plain" (normal [| 2; 3; 6 |]) (normal [| 2; 3; 3 |]) (fun x w -> Tensor.conv1d 1 0 1 1 w None x) true
      nary "conv1d stride 2 padding 1 dilation 2 groups 2 bias" [ normal [| 2; 4; 8 |]; normal [| 6; 2; 3 |]; normal [| 6 |] ]
          (fun xs -> Tensor.conv1d 2 1 2 2 xs.[1] (Some xs.[2]) xs.[0]) true
      binary "conv1d unbatched (C, L) with padding" (normal [| 2; 5 |]) (normal [| 3; 2; 2 |]) (fun x w -> Tensor.conv1d 1 1 1 1 w None x) true
      unary "maxPool1d k3 s2 p1" (distinct [| 2; 2; 7 |]) (Tensor.maxPool1d 3 2 1) false
      unary "maxPool1d dilation 2" (distinct [| 1; 2; 8 |]) (C.maxPool1d 2 1 0 2) false
      unary "avgPool1d k3 s2 p1" (normal [| 2; 2; 7 |]) (Tensor.avgPool1d 3 2 1) true
      // non-contiguous-looking inputs: ops applied after transpose/permute
      binary "mul after transpose with broadcast" (normal [| 3; 2 |]) (normal [| 3 |]) (fun a b -> a.T * b) true
      unary "exp after permute" (normal [| 2; 3; 2 |]) (fun x -> Tensor.exp (x.Permute [| 2; 0; 1 |])) true
      unary "sum dim after permute" (normal [| 2; 3; 4 |]) (fun x -> (x.Permute [| 1; 2; 0 |]).Sum([| 1 |], false)) true
      unary "softmax after transpose" (normal [| 3; 2 |]) (fun x -> Tensor.softmax 1 x.T) true
      unary "reshape after transpose" (normal [| 2; 3 |]) (fun x -> x.T.Reshape [| 6 |]) true
      unary "max per dim after transpose" (distinct [| 3; 4 |]) (fun x -> let struct (v, _) = Tensor.maxDim 1 false x.T in v) false
      binary "conv1d on permuted (N, L, C) input" (normal [| 2; 6; 3 |]) (normal [| 2; 3; 2 |])
          (fun x w -> Tensor.conv1d 1 0 1 1 w None (x.Permute [| 0; 2; 1 |])) true
      binary "matmul batched after permute" (normal [| 3; 2; 2 |]) (normal [| 2; 2; 4 |])
          (fun a b -> Tensor.matmul (a.Permute [| 1; 0; 2 |]) b) true ]

[<Tests>]
let tests = testList "Tensor.GradCheck" (table |> List.collect checks)

[<Tests>]
let castTests =
    testList "Tensor.Cast" [
        testCase "float64 -> float32 -> float64 passes gradients and tangents rounded to float32" <| fun () ->
            let x = t64 [| 4 |] [| 0.1; -1.3; 2.7; 0.333 |]
            let w = t64 [| 4 |] [| 0.1; 0.2; -0.7; 1.0 / 3.0 |]
            let f (x: Tensor) = x.Cast(Dtype.Float32).Cast(Dtype.Float64)
            let g = Diff.grad (fun x -> (f x * w).Sum()) x
            Expect.equal g.Dtype Dtype.Float64 "gradient dtype follows the input"
            Expect.sequenceEqual (vals g) (vals w |> Array.map (float32 >> float)) "gradient is w rounded through float32"
            let jv = Diff.jvp f x w
            Expect.sequenceEqual (vals jv) (vals w |> Array.map (float32 >> float)) "tangent is rounded through float32"
            Expect.equal (f x).Dtype Dtype.Float64 "value dtype"
        testCase "float32 input cast to float64 gets a float32 gradient" <| fun () ->
            let x = Tensor.ofArray [| 3 |] [| 0.5f; 1.5f; -2.0f |]
            let w = t64 [| 3 |] [| 0.25; -1.0 / 3.0; 2.0 |]
            let g = Diff.grad (fun x -> (x.Cast Dtype.Float64 * w).Sum()) x
            Expect.equal g.Dtype Dtype.Float32 "gradient has the input's dtype"
            Expect.sequenceEqual (g.ToFloat32Array()) [| 0.25f; float32 (-1.0 / 3.0); 2.0f |] "gradient values"
        testCase "second derivative through casts (float64 -> float32 -> float64)" <| fun () ->
            let x = t64 [||] [| 1.25 |]
            let d2 = Diff.diffn 2 (fun x -> let y = x.Cast(Dtype.Float32) in (y * y * y).Cast Dtype.Float64) x
            Expect.floatClose Accuracy.high (d2.ToDouble()) 7.5 "d²/dx² x³ = 6x at 1.25 (exact in float32)"
    ]
