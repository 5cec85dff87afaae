/// torch.nn.init on tensors, against values made by real PyTorch (tests/data/init_functions.json).
module NnInitTests

open System
open Expecto
open Fluxion
open Fluxion.Nn
open Fluxion.Random

let private apply (name: string) (g: Generator) (t: Tensor) =
    match name with
    | "uniform(-2,3)" -> Init.uniform g -2.0 3.0 t
    | "normal(1,0.5)" -> Init.normal g 1.0 0.5 t
    | "normal(0,1) n=7" -> Init.normal g 0.0 1.0 t
    | "constant(0.25)" -> Init.constant 0.25 t
    | "xavier_uniform" | "xavier_uniform f64" -> Init.xavierUniform g 1.0 t
    | "xavier_uniform gain=2" -> Init.xavierUniform g 2.0 t
    | "xavier_normal" -> Init.xavierNormal g 1.0 t
    | "kaiming_uniform" -> Init.kaimingUniform g 0.0 "fan_in" "leaky_relu" t
    | "kaiming_uniform a=sqrt5" -> Init.kaimingUniform g (sqrt 5.0) "fan_in" "leaky_relu" t
    | "kaiming_uniform fan_out relu" -> Init.kaimingUniform g 0.0 "fan_out" "relu" t
    | "kaiming_normal" | "kaiming_normal f64" -> Init.kaimingNormal g 0.0 "fan_in" "leaky_relu" t
    | "kaiming_normal fan_out relu" -> Init.kaimingNormal g 0.0 "fan_out" "relu" t
    | other -> failwithf "no initialiser for case %s" other

[<Tests>]
let tests =
    let data = TestData.json "init_functions.json"
    testList "Nn.Init" [
        for c in data.GetProperty("cases").EnumerateArray() do
            let name = c.GetProperty("name").GetString()
            yield testCase (sprintf "%s matches torch.nn.init bit for bit" name) <| fun () ->
                let shape = [| for d in c.GetProperty("shape").EnumerateArray() -> d.GetInt32() |]
                let g = Generator(0UL)
                if c.GetProperty("dtype").GetString() = "float64" then
                    let t = Tensor.ofArray64 shape (Array.zeroCreate (Shape.numel shape))
                    let r = apply name g t
                    Expect.isTrue (obj.ReferenceEquals(r, t)) "returns the tensor it filled"
                    Expect.equal (t.ToDoubleArray()) (TestData.nums (c.GetProperty "values")) "float64 values"
                else
                    let t = Tensor.zeros shape
                    apply name g t |> ignore
                    let bits = t.ToFloat32Array() |> Array.map (fun v -> uint32 (BitConverter.SingleToInt32Bits v))
                    let expected = [| for h in c.GetProperty("hex").EnumerateArray() -> h.GetUInt32() |]
                    Expect.equal bits expected "float32 bit patterns"
        yield testCase "calculateGain equals PyTorch's table" <| fun () ->
            let gains = data.GetProperty "gains"
            for name in [ "linear"; "sigmoid"; "tanh"; "relu"; "selu"; "conv1d"; "leaky_relu" ] do
                Expect.equal (Init.calculateGain name None) (gains.GetProperty(name).GetDouble()) name
            Expect.equal (Init.calculateGain "leaky_relu" (Some 0.2)) (gains.GetProperty("leaky_relu 0.2").GetDouble()) "leaky_relu 0.2"
        yield testCase "initialising a parameter changes the module's weights in place" <| fun () ->
            let lin = Linear(3, 2, generator = Generator(0UL))
            Init.constant 0.5 lin.Weight.Value |> ignore
            Expect.equal (lin.Weight.Value.ToFloat32Array()) (Array.create 6 0.5f) "weights set through the parameter's value"
        yield testCase "xavier init of a 1-D tensor is a clear error" <| fun () ->
            Expect.throwsT<ArgumentException> (fun () -> Init.xavierUniform (Generator(0UL)) 1.0 (Tensor.zeros [| 4 |]) |> ignore) "fans need 2 dimensions"
    ]
