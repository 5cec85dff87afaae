using Fluxion;
using Fluxion.CSharp;
using Fluxion.Optim;

namespace Unit07;

/// <summary>Cells 18–23: the frequencies binned into six classes, a deeper CNN trained with CrossEntropyLoss.</summary>
public static class Multiclass
{
    public static readonly double[] Bins = [0, 2, 4, 6, 8, 10, double.PositiveInfinity];
    public static readonly string[] ClassNames = ["[0, 2)", "[2, 4)", "[4, 6)", "[6, 8)", "[8, 10)", "[10, \u221e)"];

    /// <summary>The trained model (cell 23) and the training tensors (cell 18) for cells 26–30.</summary>
    public static FrequencyClassifier Model { get; private set; } = null!;
    public static Tensor XTensor { get; private set; } = null!;
    public static Tensor YTensor { get; private set; } = null!;

    public static void Prepare() => Binary.Prepare();

    public static void Run(Notebook nb)
    {
        nb.Section("Example: classifying waveforms by frequency");
        var yFreq = Binary.Y.Select(row => row[1]).ToArray();
        var yClass = NumPy.Digitize(yFreq, Bins).Select(b => b - 1).ToArray();   // bin index 0-5
        XTensor = Torch.Tensor(Binary.X).Unsqueeze(1);   // (N, 1, T)
        YTensor = Torch.Tensor(yClass);                 // int64 class indices, as CrossEntropyLoss wants
        var dataset = new WaveformDataset(XTensor, YTensor);
        var dataloader = new DataLoader(dataset, batchSize: 32, shuffle: true);
        nb.Print("Examples of frequency-to-class mapping:");
        for (int i = 0; i < 5; i++)
            nb.Print($"Signal {i}: Frequency = {yFreq[i]:F2} Hz -> Class {yClass[i]} ({ClassNames[yClass[i]]} Hz)");

        var counts = NumPy.Bincount(yClass, minlength: ClassNames.Length);
        nb.Show(() => ClassPlots.ClassDistribution(ClassNames, counts));

        nb.Section("Multiclass classification using PyTorch");
        Torch.ManualSeed(0);
        Model = new FrequencyClassifier(numClasses: 6);
        nb.Print(Nn.Summary(Model, [32, 1, 256], colWidth: 20));

        Torch.ManualSeed(0);
        var criterion = Nn.CrossEntropyLoss();
        var optimizer = new Adam(Model.Parameters(), lr: 0.01);
        Model.Train();
        int nEpochs = 10;
        var losses = new double[nEpochs];
        using var progress = TrainingBar.Start("multiclass: FrequencyClassifier", nEpochs);
        for (int epoch = 0; epoch < nEpochs; epoch++)
        {
            double totalLoss = 0;
            double correct = 0;
            int total = 0;
            foreach (var (xBatch, yBatch) in dataloader)
            {
                var logits = Model.Call(xBatch);            // (B, 6)
                var loss = criterion.Invoke(logits, yBatch);
                optimizer.ZeroGrad();
                loss.Backward();
                optimizer.Step();
                totalLoss += loss.Item();
                var preds = logits.ArgMax(1);               // the class with the highest logit
                correct += preds.Eq(yBatch).Sum().Item();
                total += yBatch.Size(0);
            }
            double acc = 100 * correct / total;
            losses[epoch] = totalLoss;
            progress.Report(epoch + 1, totalLoss);
            nb.Print($"Epoch {epoch + 1,2}/{nEpochs} | Loss: {totalLoss,7:F4} | Accuracy: {acc:F2}%");
        }
        progress.Complete();
        nb.Show(() => Plots.LossCurves(new[] { ("FrequencyClassifier: summed cross-entropy per epoch", losses) }));
    }
}

/// <summary>Cells 26–30: test accuracy and confusion matrix, errors near class boundaries, out-of-range inputs.</summary>
public static class Evaluation
{
    public static void Prepare()
    {
        Multiclass.Prepare();
        Multiclass.Run(new Notebook(reportTitle: null, quiet: true));
    }

    /// <summary>Cell 30's generate_single_waveform: one waveform with the given frequency, phase and noise.</summary>
    public static double[] GenerateSingleWaveform(double freq, double[] t, double phase = 0.0, double noiseStd = 0.0, int prototype = 0)
    {
        var signal = t.Select(ti => Math.Sin(2 * Math.PI * (freq * ti - phase))).ToArray();
        if (prototype == 1) signal = signal.Select(v => (double)Math.Sign(v)).ToArray();
        var noise = NumPy.Random.Normal(0.0, noiseStd, t.Length);
        return signal.Select((v, i) => v + noise[i]).ToArray();
    }

    public static void Run(Notebook nb)
    {
        nb.Section("Model evaluation and understanding");
        var model = Multiclass.Model;
        NumPy.Random.Seed(10);
        var (_, xTest, yTest) = Binary.GenerateWaveform();
        var yTestFreq = yTest.Select(row => row[1]).ToArray();
        var yTestClass = NumPy.Digitize(yTestFreq, Multiclass.Bins).Select(b => b - 1).ToArray();
        var xTestTensor = Torch.Tensor(xTest).Unsqueeze(1);
        var yTestTensor = Torch.Tensor(yTestClass);
        model.Eval();
        Tensor preds;
        double accuracy;
        using (Torch.NoGrad())
        {
            var logits = model.Call(xTestTensor);
            preds = logits.ArgMax(1);
            accuracy = preds.Eq(yTestTensor).Float().Mean().Item();
        }
        nb.Print($"Test Accuracy: {accuracy * 100:F2}%");
        var predArray = preds.ToArray().Select(v => (long)v).ToArray();
        nb.Show(() => ClassPlots.ConfusionMatrix(yTestClass, predArray, Multiclass.ClassNames, "Confusion Matrix"));

        // Cell 28: signed distance to the nearest class boundary against the true frequency, on the training set.
        nb.Show(() => ClassPlots.SignedDistance(model, Multiclass.XTensor, Multiclass.YTensor, Binary.Y, Multiclass.Bins));

        // Cell 30: frequencies outside the training range.
        NumPy.Random.Seed(40);
        double[] testFreqs = [0.0, 0.3, 0.6, 0.9, 16, 20, 25, 30];
        var t = NumPy.Linspace(0, 1, 256);
        var xOut = testFreqs.Select(f => GenerateSingleWaveform(f, t, phase: 0.1, noiseStd: 0.1, prototype: 0)).ToArray();
        var xOutTensor = Torch.Tensor(xOut).Unsqueeze(1);
        model.Eval();
        Tensor probs, outPreds;
        using (Torch.NoGrad())
        {
            var logits = model.Call(xOutTensor);
            probs = logits.Softmax(1);
            outPreds = probs.ArgMax(1);
        }
        var outPredArray = outPreds.ToArray().Select(v => (long)v).ToArray();
        var probRows = Enumerable.Range(0, testFreqs.Length).Select(i => probs[i].ToArray()).ToArray();
        nb.Show(() => ClassPlots.OutOfRange(t, xOut, testFreqs, outPredArray, probRows, "Model Predictions on Out-of-Range Examples"));
    }
}
