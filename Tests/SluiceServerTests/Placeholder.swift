// Stand-in until branch serve commits its SluiceServerTests (its Package.swift declares the target).
