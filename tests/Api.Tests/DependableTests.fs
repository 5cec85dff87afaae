/// The "Dependable" cases through C# code (tests/Api.Tests.CSharp/DependableScenarios.cs): checked sizes, zero-sized
/// batches, double backward, version counters, the leaf rule and anomaly mode, with PyTorch's texts.
module DependableTests

open Expecto
open ApiScenarios

let private has (what: string) (o: struct (string * string)) (typ: string) (fragments: string list) =
    let struct (t, m) = o
    Expect.equal t typ (sprintf "%s: exception type (message: %s)" what m)
    for f in fragments do Expect.stringContains m f (sprintf "%s: message" what)

[<Tests>]
let tests =
    testList "Api.Dependable (C#)" [
        testCase "sizes past a .NET array and negative sizes are refused where the shape is made" <| fun () ->
            let struct (overflow, negative) = DependableScenarios.CheckedSizes()
            has "Zeros(65536, 65536)" overflow "ShapeException" [ "zeros: shape (65536, 65536) has 4294967296 elements; a tensor holds at most 2147483647" ]
            has "Zeros(2, -1)" negative "ShapeException" [ "zeros"; "negative dimension -1" ]

        testCase "Linear(0, 5) on a (2, 0) batch gives PyTorch's zero bias rows; empty sum is 0 and empty mean NaN" <| fun () ->
            let struct (shape, output, bias, emptySum, emptyMean) = DependableScenarios.ZeroSized()
            Expect.equal shape [| 2; 5 |] "output shape"
            Expect.equal bias (Array.zeroCreate 5) "a zero fan-in draws a zero bias (bound 0), as nn.Linear(0, 5)"
            Expect.equal output (Array.append bias bias) "each row is the bias"
            Expect.equal emptySum 0.0 "sum of nothing"
            Expect.isTrue (System.Double.IsNaN emptyMean) "mean of nothing is nan"

        testCase "a second backward through freed buffers raises PyTorch's message; retainGraph keeps them and gradients add" <| fun () ->
            let struct (second, retained) = DependableScenarios.DoubleBackward()
            has "second backward" second "InvalidOperationException" [ "Trying to backward through the graph a second time"; "Specify retain_graph=True" ]
            Expect.equal retained [| 8.0f; 10.0f; 12.0f |] "two backwards of sum(c * b) give 2b"

        testCase "modifying a saved tensor in place fails at backward; in-place on a leaf that requires grad needs NoGrad" <| fun () ->
            let struct (modified, leaf, version) = DependableScenarios.InPlace()
            has "exp output modified" modified "InvalidOperationException"
                [ "one of the variables needed for gradient computation has been modified by an inplace operation"; "ExpBackward0"; "is at version 1; expected version 0 instead" ]
            has "leaf Add_" leaf "InvalidOperationException" [ "a leaf Variable that requires grad is being used in an in-place operation." ]
            Expect.equal version 1 "the no-grad Add_ bumped the leaf's version once"

        testCase "DetectAnomaly names the backward node that returned NaN and the forward op that made one" <| fun () ->
            let struct (backward, forward) = DependableScenarios.Anomaly()
            has "backward" backward "InvalidOperationException" [ "Function 'LogBackward0' returned nan values in its 0th output." ]
            has "forward" forward "InvalidOperationException" [ "returned nan values in its output" ]
    ]
