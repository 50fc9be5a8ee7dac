"""The chapters' experiments: one module per chapter, named by its topic.

Each module composes the core (:mod:`actlib.nn`, :mod:`actlib.train`,
:mod:`actlib.diagnostics`, ...) into the experiments of one chapter, as functions of a seed
and a size that measure and return numbers; the chapter draws them. The core never imports
this package, and no chapter module imports another: what two chapters share moves down into
the core.

=================  =======  ==================================================================
module             chapter  what it measures
=================  =======  ==================================================================
``nonlinearity``   1        linear models against one hidden layer; how a layer folds XOR
``vanishing``      2        gradients and saturation through deep sigmoid and tanh networks
``dying``          3        units that die during training, and networks born dead
``speed``          3        the time of each activation against a plain copy of memory
``smooth``         4        GELU as an expected gate, its approximations, float32 zeros
``glu``            5        Shazeer's eight feed-forward layers in a small Transformer
``evolution``      6        the generations of activations and a head-to-head on one task
``arena``          6        every activation in a character-level MLP language model
=================  =======  ==================================================================
"""
