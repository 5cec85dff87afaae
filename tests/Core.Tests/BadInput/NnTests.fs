/// Bad input to convolution, pooling, layers and losses.
module BadInput.NnTests

open System
open Expecto
open Fluxion
open Fluxion.Nn
open Fluxion.Optim
open BadInputUtil

let private conv stride padding dilation groups (w: Tensor) bias (x: Tensor) = Tensor.conv1d stride padding dilation groups w bias x

[<Tests>]
let functionalTests =
    testList "BadInput.ConvPool" [
        testCase "conv1d: wrong channels, kernel longer than the input, bias of the wrong size" <| fun () ->
            raises<ShapeException, _> (fun () -> conv 1 0 1 1 (z [| 4; 3; 2 |]) None (z [| 1; 2; 8 |])) [ "conv1d: input has 2 channels (shape (1, 2, 8)) but weight (4, 3, 2) with groups=1 expects 3" ] |> ignore
            raises<ShapeException, _> (fun () -> conv 1 0 1 2 (z [| 4; 3; 2 |]) None (z [| 1; 3; 8 |])) [ "groups=2 expects 6" ] |> ignore
            raises<ShapeException, _> (fun () -> conv 1 0 1 1 (z [| 4; 3; 9 |]) None (z [| 1; 3; 8 |])) [ "conv1d: input length 8 with padding 0 is too short for kernel size 9" ] |> ignore
            raisesParam<ShapeException, _> "bias" (fun () -> conv 1 0 1 1 (z [| 4; 3; 2 |]) (Some(z [| 3 |])) (z [| 1; 3; 8 |])) [ "conv1d: Given weight of size [4, 3, 2], expected bias to be 1-dimensional with 4 elements, but got bias of size [3] instead" ]
            raises<ShapeException, _> (fun () -> conv 1 0 1 1 (z [| 4; 3 |]) None (z [| 1; 3; 8 |])) [ "conv1d: weight must be 3-D (out, in/groups, kernel), got (4, 3)" ] |> ignore
            raises<ShapeException, _> (fun () -> conv 1 0 1 1 (z [| 4; 3; 2 |]) None (z [| 1; 1; 3; 8 |])) [ "conv1d: expected a 2-D (C, L) or 3-D (N, C, L) input, got shape (1, 1, 3, 8)" ] |> ignore
        testCase "conv1d: stride 0, dilation 0, negative padding, groups 0 each name their parameter" <| fun () ->
            let w, x = z [| 4; 3; 2 |], z [| 1; 3; 8 |]
            raisesParam<ArgumentOutOfRangeException, _> "stride" (fun () -> conv 0 0 1 1 w None x) [ "conv1d: non-positive stride is not supported (got stride=0)" ]
            raisesParam<ArgumentOutOfRangeException, _> "dilation" (fun () -> conv 1 0 0 1 w None x) [ "conv1d: dilation should be greater than zero (got dilation=0)" ]
            raisesParam<ArgumentOutOfRangeException, _> "padding" (fun () -> conv 1 -1 1 1 w None x) [ "conv1d: negative padding is not supported (got padding=-1)" ]
            raisesParam<ArgumentOutOfRangeException, _> "groups" (fun () -> conv 1 0 1 0 w None x) [ "conv1d: non-positive groups is not supported (got groups=0)" ]
            raisesNull "x" "conv1d" (fun () -> conv 1 0 1 1 w None nullT)
            raisesNull "weight" "conv1d" (fun () -> conv 1 0 1 1 nullT None x)
        testCase "max_pool1d: kernel 0, stride 0 (was a DivideByZeroException), kernel longer than the input" <| fun () ->
            raisesParam<ArgumentOutOfRangeException, _> "k" (fun () -> Tensor.maxPool1d 0 1 0 (z [| 1; 1; 3 |])) [ "max_pool1d() kernel_size must be greater than zero, but got 0" ]
            raisesParam<ArgumentOutOfRangeException, _> "stride" (fun () -> Tensor.maxPool1d 2 0 0 (z [| 1; 1; 3 |])) [ "max_pool1d() stride must be greater than zero, but got 0" ]
            raisesParam<ArgumentOutOfRangeException, _> "padding" (fun () -> Tensor.maxPool1d 2 1 -1 (z [| 1; 1; 3 |])) [ "padding must be non-negative, but got -1" ]
            raisesParam<ArgumentException, _> "padding" (fun () -> Tensor.maxPool1d 2 1 2 (z [| 1; 1; 3 |])) [ "max_pool1d: padding 2 should be at most half of kernel size 2" ]
            raises<ShapeException, _> (fun () -> Tensor.maxPool1d 5 1 0 (z [| 1; 1; 3 |])) [ "max_pool1d: input length 3 with padding 0 is too short for kernel size 5" ] |> ignore
        testCase "avg_pool1d: kernel 0, stride 0, padding beyond half the kernel, 1-D input (PyTorch 1.13's messages)" <| fun () ->
            raisesParam<ArgumentOutOfRangeException, _> "k" (fun () -> Tensor.avgPool1d 0 1 0 (z [| 1; 1; 3 |])) [ "kernel size should be greater than zero, but got kH: 1 kW: 0" ]
            raisesParam<ArgumentOutOfRangeException, _> "stride" (fun () -> Tensor.avgPool1d 2 0 0 (z [| 1; 1; 3 |])) [ "stride should not be zero" ]
            raisesParam<ArgumentOutOfRangeException, _> "padding" (fun () -> Tensor.avgPool1d 2 1 2 (z [| 1; 1; 3 |])) [ "pad should be at most half of kernel size, but got pad=2 and kernel_size=2" ]
            raises<ShapeException, _> (fun () -> Tensor.avgPool1d 5 1 0 (z [| 1; 1; 3 |])) [ "Given input size: (1x1x3). Calculated output size: (1x1x-1). Output size is too small" ] |> ignore
            raises<ShapeException, _> (fun () -> Tensor.avgPool1d 2 1 0 (z [| 3 |])) [ "Expected 2 to 3 dimensions, but got 1-dimensional tensor for argument #1 'self' (while checking arguments for avg_pool1d)" ] |> ignore
    ]

/// Layer constructors draw their initial weights from the process-wide generator: run in sequence.
[<Tests>]
let layerTests =
    testSequenced <| testList "BadInput.Layers" [
        testCase "constructors with negative sizes name the size" <| fun () ->
            raisesParam<ArgumentException, _> "inF" (fun () -> Linear(-1, 2)) [ "Linear: feature counts must be non-negative, got in=-1 out=2" ]
            raisesParam<ArgumentOutOfRangeException, _> "inChannels" (fun () -> Conv1d(-1, 2, 3)) [ "Conv1d: in_channels must be non-negative, got -1" ]
            raisesParam<ArgumentOutOfRangeException, _> "outChannels" (fun () -> Conv1d(1, -2, 3)) [ "Conv1d: out_channels must be non-negative, got -2" ]
            raisesParam<ArgumentOutOfRangeException, _> "inputSize" (fun () -> RNN(-1, 2)) [ "RNN: input_size must be non-negative, got -1" ]
            raisesParam<ArgumentOutOfRangeException, _> "hiddenSize" (fun () -> RNN(2, 0)) [ "RNN: hidden_size must be positive, got 0" ]
            raisesParam<ArgumentOutOfRangeException, _> "hiddenSize" (fun () -> RNNCell(2, -2)) [ "RNNCell: hidden_size must be non-negative, got -2" ]
            raisesParam<ArgumentOutOfRangeException, _> "numFeatures" (fun () -> BatchNorm1d(-1)) [ "BatchNorm1d: num_features must be non-negative, got -1" ]
        testCase "Conv1d constructor: kernel 0, stride 0, groups not dividing, bad padding strings" <| fun () ->
            raises<ArgumentException, _> (fun () -> Conv1d(1, 2, 0)) [ "Conv1d: kernel_size 0, stride 1 and dilation 1 must be >= 1" ] |> ignore
            raises<ArgumentException, _> (fun () -> Conv1d(1, 2, 3, 0)) [ "stride 0" ] |> ignore
            raises<ArgumentException, _> (fun () -> Conv1d(3, 2, 3, 1, 0, 1, 2)) [ "Conv1d: in_channels 3 must be divisible by groups 2" ] |> ignore
            raisesParam<ArgumentException, _> "padding" (fun () -> Conv1d(3, 2, 3, "full")) [ "Conv1d: padding must be 'same', 'valid' or an int, got 'full'" ]
            raises<ArgumentException, _> (fun () -> Conv1d(3, 2, 3, 1, 0, 1, 1, true, "foo")) [ "padding_mode must be 'zeros', 'reflect', 'replicate' or 'circular', got 'foo'" ] |> ignore
        testCase "Dropout p outside [0, 1] or NaN" <| fun () ->
            raisesParam<ArgumentOutOfRangeException, _> "p" (fun () -> Dropout(-0.1)) [ "Dropout: dropout probability has to be between 0 and 1, but got -0.1" ]
            raisesParam<ArgumentOutOfRangeException, _> "p" (fun () -> Dropout(1.5)) [ "but got 1.5" ]
            raisesParam<ArgumentOutOfRangeException, _> "p" (fun () -> Dropout(nan)) [ "but got NaN" ]
        testCase "wrong input shapes at call name the layer, the expected and the actual shape" <| fun () ->
            raises<ShapeException, _> (fun () -> (Linear(3, 2)).Forward(z [| 2; 4 |])) [ "Linear(3→2) expects input (*, 3), got (2, 4)" ] |> ignore
            raises<ShapeException, _> (fun () -> (Conv1d(3, 2, 3)).Forward(z [| 1; 2; 5 |])) [ "Conv1d(3→2, kernel_size=3) expects input (N, 3, L) or unbatched (3, L), got (1, 2, 5)" ] |> ignore
            raises<ShapeException, _> (fun () -> (RNN(2, 3)).Forward(z [| 4; 1; 5 |])) [ "RNN(2→3) expects input (L, N, 2) or unbatched (L, 2), got (4, 1, 5)" ] |> ignore
            raises<ShapeException, _> (fun () -> (BatchNorm1d(3)).Forward(z [| 2; 4 |])) [ "BatchNorm1d(3) expects input (N, 3) or (N, 3, L), got (2, 4)" ] |> ignore
            raises<ShapeException, _> (fun () -> (Flatten(3, -1)).Forward(z [| 2; 3 |])) [ "flatten: dimension 3 is out of range" ] |> ignore
            raises<ShapeException, _> (fun () -> (Softmax(3)).Forward(z [| 2; 3 |])) [ "softmax: dimension 3 is out of range" ] |> ignore
        // PyTorch 1.13's texts (tests/data/layers.json "messages"), then the layer, the expected shape and the actual one.
        testCase "BatchNorm1d: a batch of one in training, wrong channel count, wrong number of dims" <| fun () ->
            raisesParam<ShapeException, _> "x" (fun () -> (BatchNorm1d(3)).Forward(z [| 1; 3 |])) [ "Expected more than 1 value per channel when training, got input size torch.Size([1, 3])" ]
            raisesParam<ShapeException, _> "x" (fun () -> (BatchNorm1d(3)).Forward(z [| 1; 3; 1 |])) [ "Expected more than 1 value per channel when training, got input size torch.Size([1, 3, 1])" ]
            Expect.equal ((BatchNorm1d(3)).Eval().Call(z [| 1; 3 |])).Shape [| 1; 3 |] "a batch of one is fine in eval"
            raisesParam<ShapeException, _> "x" (fun () -> (BatchNorm1d(3)).Forward(z [| 2; 4 |])) [ "running_mean should contain 4 elements not 3"; "BatchNorm1d(3) expects input (N, 3) or (N, 3, L), got (2, 4)" ]
            raisesParam<ShapeException, _> "x" (fun () -> (BatchNorm1d(3)).Forward(z [| 2; 4; 5 |])) [ "running_mean should contain 4 elements not 3" ]
            raisesParam<ShapeException, _> "x" (fun () -> (BatchNorm1d(3)).Forward(z [| 2; 3; 4; 5 |])) [ "expected 2D or 3D input (got 4D input)"; "got (2, 3, 4, 5)" ]
            raisesParam<ShapeException, _> "x" (fun () -> (BatchNorm1d(3)).Forward(z [| 3 |])) [ "expected 2D or 3D input (got 1D input)" ]
            raisesParam<ShapeException, _> "x" (fun () -> Functional.batchNorm None None None None true 0.1 1e-5 (z [| 1; 2 |])) [ "Expected more than 1 value per channel when training, got input size torch.Size([1, 2])" ]
        testCase "Unflatten: sizes not multiplying to the dim, two inferred sizes, dim out of range" <| fun () ->
            raisesParam<ShapeException, _> "x" (fun () -> (Unflatten(1, [| 2; 4 |])).Forward(z [| 2; 6 |])) [ "unflatten: Provided sizes [2, 4] don't multiply up to the size of dim 1 (6) in the input tensor" ]
            raisesParam<ShapeException, _> "x" (fun () -> (Unflatten(1, [| 4; -1 |])).Forward(z [| 2; 6 |])) [ "unflatten: Provided sizes [4, -1] don't multiply up to the size of dim 1 (6) in the input tensor" ]
            raisesParam<ArgumentException, _> "unflattenedSize" (fun () -> Unflatten(1, [| -1; -1 |])) [ "only one dimension can be inferred" ]
            raisesParam<ArgumentOutOfRangeException, _> "unflattenedSize" (fun () -> Unflatten(1, [| 2; -3 |])) [ "Unflatten: invalid size -3" ]
            raisesParam<ArgumentOutOfRangeException, _> "dim" (fun () -> (Unflatten(2, [| 2; 3 |])).Forward(z [| 2; 6 |])) [ "Dimension out of range (expected to be in range of [-2, 1], but got 2)" ]
            raisesNull "unflattenedSize" "Unflatten: unflattened_size is null" (fun () -> Unflatten(1, null))
        testCase "AdaptiveAvgPool1d: negative output size, 4-D input, empty signal" <| fun () ->
            raisesParam<ArgumentOutOfRangeException, _> "outputSize" (fun () -> AdaptiveAvgPool1d(-1)) [ "elements of output_size must be greater than or equal to 0 but received -1" ]
            raisesParam<ShapeException, _> "x" (fun () -> (AdaptiveAvgPool1d(2)).Forward(z [| 2; 3; 4; 5 |])) [ "Expected 2 to 3 dimensions, but got 4-dimensional tensor for argument #1 'self' (while checking arguments for adaptive_avg_pool1d)" ]
            raisesParam<ShapeException, _> "x" (fun () -> (AdaptiveAvgPool1d(2)).Forward(z [| 2; 3; 0 |])) [ "Expected input to have non-zero size for non-batch dimensions, but input has sizes [2, 3, 0] with dimension 2 being empty" ]
        testCase "pooling modules with kernel 0 or negative stride fail at call with the functional's message" <| fun () ->
            raisesParam<ArgumentOutOfRangeException, _> "k" (fun () -> (MaxPool1d(0)).Forward(z [| 1; 1; 4 |])) [ "max_pool1d() kernel_size must be greater than zero, but got 0" ]
            raisesParam<ArgumentOutOfRangeException, _> "stride" (fun () -> (MaxPool1d(2, -1)).Forward(z [| 1; 1; 4 |])) [ "stride must be greater than zero, but got -1" ]
            // nn.AvgPool1d(-2): stride -2 too, and PyTorch's padding check (0 ≤ -2 / 2) fails first.
            raisesParam<ArgumentOutOfRangeException, _> "padding" (fun () -> (AvgPool1d(-2)).Forward(z [| 1; 1; 4 |])) [ "pad should be at most half of kernel size, but got pad=0 and kernel_size=-2" ]
        testCase "Sequential with a null array or a null module; GELU with an unknown approximation" <| fun () ->
            raisesNull "modules" "Sequential" (fun () -> Sequential(null))
            raisesParam<ArgumentException, _> "m" (fun () -> Sequential([| (Linear(1, 1) :> Module); Unchecked.defaultof<Module> |])) [ "Sequential.RegisterModule: module '1' is null" ]
            raisesParam<ArgumentException, _> "approximate" (fun () -> GELU("foo")) [ "GELU: approximate must be 'none' or 'tanh', got 'foo'" ]
    ]

[<Tests>]
let lossTests =
    testList "BadInput.Losses" [
        testCase "regression losses refuse shape mismatches instead of broadcasting" <| fun () ->
            raises<ShapeException, _> (fun () -> (MSELoss()).Forward(z [| 2; 3 |], z [| 3; 2 |])) [ "MSELoss: input (2, 3) and target (3, 2) differ; they must be equal" ] |> ignore
            raises<ShapeException, _> (fun () -> (L1Loss()).Forward(z [| 2; 3 |], z [| 4 |])) [ "L1Loss: input (2, 3) and target (4,) differ" ] |> ignore
            raises<ShapeException, _> (fun () -> (MSELoss()).Forward(z [| 4; 1 |], z [| 4 |])) [ "PyTorch would broadcast — call Unsqueeze(1)" ] |> ignore
            raises<ShapeException, _> (fun () -> (BCEWithLogitsLoss()).Forward(z [| 2 |], z [| 3 |])) [ "BCEWithLogitsLoss: input (2,) and target (3,) differ" ] |> ignore
        testCase "classification targets out of range name the target, its position and the classes" <| fun () ->
            raises<ArgumentException, _> (fun () -> (CrossEntropyLoss()).Forward(z [| 2; 3 |], i64 [| 2 |] [| 0L; 3L |])) [ "Target 3 is out of bounds."; "CrossEntropyLoss: position 1; 3 classes, valid 0..2 or ignoreIndex -100" ] |> ignore
            raises<ArgumentException, _> (fun () -> (CrossEntropyLoss()).Forward(z [| 2; 3 |], i64 [| 2 |] [| 0L; -1L |])) [ "Target -1 is out of bounds."; "position 1" ] |> ignore
            raises<ArgumentException, _> (fun () -> (NLLLoss()).Forward(z [| 2; 3 |], i64 [| 2 |] [| 0L; 5L |])) [ "Target 5 is out of bounds."; "NLLLoss: position 1" ] |> ignore
        testCase "classification shapes: batch mismatch, probability targets, class weights" <| fun () ->
            raises<ShapeException, _> (fun () -> (CrossEntropyLoss()).Forward(z [| 2; 3 |], i64 [| 3 |] [| 0L; 1L; 1L |])) [ "CrossEntropyLoss: input (2, 3) needs targets of shape (2,), got (3,)" ] |> ignore
            raises<ShapeException, _> (fun () -> (CrossEntropyLoss()).Forward(z [| 2; 3 |], z [| 2; 4 |])) [ "class-probability targets must have the input's shape (2, 3), got (2, 4)" ] |> ignore
            raises<ShapeException, _> (fun () -> (NLLLoss(z [| 4 |])).Forward(z [| 2; 3 |], i64 [| 2 |] [| 0L; 1L |])) [ "NLLLoss: weight has shape (4,) but there are 3 classes; it must be (3,)" ] |> ignore
        testCase "BCELoss: probabilities outside [0, 1] or NaN" <| fun () ->
            raises<ArgumentException, _> (fun () -> (BCELoss()).Forward(Tensor.full [| 2 |] 1.5, z [| 2 |])) [ "BCELoss: all elements of input should be between 0 and 1; element 0 is 1.5" ] |> ignore
            raises<ArgumentException, _> (fun () -> (BCELoss()).Forward(Tensor.full [| 2 |] -0.5, z [| 2 |])) [ "element 0 is -0.5" ] |> ignore
            raises<ArgumentException, _> (fun () -> (BCELoss()).Forward(Tensor.full [| 2 |] nan, z [| 2 |])) [ "element 0 is NaN" ] |> ignore
        testCase "loss hyper-parameters out of range" <| fun () ->
            raisesParam<ArgumentException, _> "labelSmoothing" (fun () -> CrossEntropyLoss(labelSmoothing = 1.5)) [ "CrossEntropyLoss: labelSmoothing must be in [0, 1], got 1.5" ]
            raisesParam<ArgumentException, _> "delta" (fun () -> HuberLoss(delta = -1.0)) [ "HuberLoss: delta must be positive, got -1" ]
            raisesParam<ArgumentException, _> "beta" (fun () -> SmoothL1Loss(beta = -1.0)) [ "SmoothL1Loss: beta must be non-negative, got -1" ]
        testCase "null input or target names the loss and the argument" <| fun () ->
            raisesNull "target" "CrossEntropyLoss" (fun () -> (CrossEntropyLoss()).Forward(z [| 2; 3 |], nullT))
            raisesNull "input" "NLLLoss" (fun () -> (NLLLoss()).Forward(nullT, i64 [| 1 |] [| 0L |]))
            raisesNull "input" "MSELoss" (fun () -> (MSELoss()).Forward(nullT, z [| 2 |]))
            raisesNull "target" "BCELoss" (fun () -> (BCELoss()).Forward(z [| 2 |], nullT))
    ]
